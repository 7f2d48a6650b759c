//! Starting a training on the user's own tables: the quotas and upload budget, then the files stored
//! under server-made ids, then the same start as any training; a refused training keeps no
//! files. One path for the JSON API's multipart body and the train form's post.

use super::starting::start_training;
use crate::api::{ApiError, StartedTraining, TrainRequest};
use crate::server::owner::Caller;
use crate::server::state::AppState;
use crate::server::store::UploadedFiles;
use crate::server::{fairness, uploads};

/// A table sent with a request: the file name the user gave it (display only) and its bytes.
pub struct SentFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The tables of a request that trains on the user's own data.
pub struct SentFiles {
    pub train: SentFile,
    pub test: Option<SentFile>,
}

/// Checks the owner's training and upload quotas (nothing is stored or parsed past them),
/// stores the tables, and starts the training on them.
pub fn start_with_files(
    state: &AppState,
    caller: &Caller,
    request: TrainRequest,
    files: SentFiles,
) -> Result<StartedTraining, ApiError> {
    fairness::check_can_start(state, caller)?;
    let bytes = files.train.bytes.len() + files.test.as_ref().map_or(0, |t| t.bytes.len());
    fairness::check_upload(state, caller, bytes as u64)?;
    let SentFiles { train, test } = files;
    let train_id = uploads::store(state.store.as_ref(), caller, &train.name, train.bytes)?;
    let (test_name, test_id) = match test {
        Some(test) => {
            let id = uploads::store(state.store.as_ref(), caller, &test.name, test.bytes)
                .inspect_err(|_| remove(state, [&train_id]))?;
            (Some(test.name), Some(id))
        }
        None => (None, None),
    };
    let stored = UploadedFiles { train_name: train.name, train_id, test_name, test_id };
    let ids: Vec<String> = stored.ids().cloned().collect();
    start_training(state, caller, request, Some(stored)).inspect_err(|_| remove(state, &ids))
}

/// Drops stored tables of a refused request.
fn remove<'a>(state: &AppState, ids: impl IntoIterator<Item = &'a String>) {
    for id in ids {
        if let Ok(id) = uuid::Uuid::parse_str(id) {
            state.store.remove_upload(&id);
        }
    }
}
