//! Browser-only helpers: sending files to the JSON API with `fetch` and `FormData` (server
//! functions carry JSON, not files). In the server build these are never called — event
//! handlers run only in the browser — so they answer with an error there.

pub mod upload;
