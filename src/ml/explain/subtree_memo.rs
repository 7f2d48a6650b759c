//! The bottom of a tree's TreeSHAP walk, computed once per kind of object instead of once
//! per object.
//!
//! Below a node, everything the walk of [`super::lane_walk`] computes for one object is
//! linear in the G(t) the node receives: each G further down is G times per-point factors
//! set by the subtree's cover ratios and by which edges the object follows. So the node's
//! A(t) is G(t)·Φ(t), and the contributions of the splits on feature j in the subtree add
//! up to Σ_i G(t_i)·Ψ_j(t_i). Φ and the Ψ_j depend only on the object's *signature* in the
//! subtree: which way it goes at each of the subtree's splits and, for features also split
//! above, whether it followed all their edges up there. Objects far from a deep subtree's
//! cell share signatures: in the default Kepler forest, the 957 objects one thread explains
//! show about 28 signatures per subtree of at most 15 nodes. Each signature's Φ and Ψ are
//! computed once per tree and thread by a walk of the subtree with G = 1, then applied to
//! every object that has it.
//!
//! Applying costs a signature, a lookup and a few dot products per object and subtree, so
//! the gain is smaller than the walks saved; the subtree size kept is the fastest measured
//! (docs/benchmarks.md, "Exact TreeSHAP").

use super::lane_walk::COMPUTED;
use super::linear_tree_shap::WalkNode;
use super::quadrature::Rule;
use super::subtree_walk::EntryWalk;
use crate::ml::models::tree::NO_CHILD;

/// The largest subtree (in nodes) whose results are shared: the fastest of those measured
/// (see above).
pub(super) const MAX_SUBTREE_NODES: usize = 9;
/// Signatures index a table of 2^SIGNATURE_BITS entries per subtree (a subtree of 9 nodes
/// has at most 4 splits and 4 features from above): a lookup is one load, faster than
/// searching a list of the signatures met (docs/benchmarks.md).
const SIGNATURE_BITS: usize = 8;
/// `WalkNode::memo` of a node that is not the root of a shared subtree.
pub(super) const NO_MEMO: u16 = u16::MAX;
/// Shared subtrees per tree: their signature tables take at most 16 MB per thread (a tree
/// grown on a large upload could otherwise mark 65,535 of them, 64 MB); the rest are walked.
const MAX_ROOTS: usize = 16 << 10;
/// The computed entries of one thread's memo: past this, it starts again empty (each entry
/// at most 5 × 2 × 32 values), so an upload whose objects all differ cannot grow it
/// without bound. The default Kepler forest's memos hold a few MB.
pub const MAX_ENTRY_BYTES: usize = 32 << 20;
/// The most one thread's memo holds: signature tables and entries.
pub const MAX_MEMO_BYTES: usize = MAX_ENTRY_BYTES + (MAX_ROOTS << SIGNATURE_BITS) * std::mem::size_of::<u32>();

/// A shared subtree: its splits, and the features whose state from above it depends on.
pub(super) struct MemoRoot {
    /// Internal nodes in the walk's order (node, then left, then right subtree): bit k of a
    /// signature is set when the object goes left at `internal[k]`.
    internal: Vec<u32>,
    /// Features split both in the subtree and above it: bit `internal.len() + k` is set
    /// when the object followed every edge on `inherited[k]` above, and `unfollowed_mask[k]`
    /// clears the bits of the splits on it, which then cannot change anything.
    inherited: Vec<u32>,
    unfollowed_mask: Vec<u64>,
    /// The distinct features split in the subtree: the Ψ of an entry, in this order.
    pub(super) features: Vec<u32>,
}

/// Marks the shared subtrees of `nodes` (sets their `memo`) and describes them: every
/// internal node with at most [`MAX_SUBTREE_NODES`] nodes below whose parent has more.
pub(super) fn mark_roots(nodes: &mut [WalkNode]) -> Vec<MemoRoot> {
    let mut size = vec![1usize; nodes.len()];
    subtree_sizes(nodes, 0, &mut size);
    let mut roots = Vec::new();
    let mut on_path = Vec::new();
    find_roots(nodes, 0, &size, &mut on_path, &mut roots);
    roots
}

fn find_roots(nodes: &mut [WalkNode], index: usize, size: &[usize], on_path: &mut Vec<u32>, roots: &mut Vec<MemoRoot>) {
    let node = nodes[index];
    if node.left == NO_CHILD {
        return;
    }
    if size[index] <= MAX_SUBTREE_NODES && roots.len() < MAX_ROOTS {
        let mut internal = Vec::new();
        collect_internal(nodes, index, &mut internal);
        let mut features: Vec<u32> = Vec::new();
        for &n in &internal {
            if !features.contains(&nodes[n as usize].feature) {
                features.push(nodes[n as usize].feature);
            }
        }
        let inherited: Vec<u32> = features.iter().copied().filter(|f| on_path.contains(f)).collect();
        if internal.len() + inherited.len() <= SIGNATURE_BITS {
            let unfollowed_mask = inherited
                .iter()
                .map(|&f| {
                    !internal
                        .iter()
                        .enumerate()
                        .filter(|(_, &n)| nodes[n as usize].feature == f)
                        .fold(0u64, |mask, (k, _)| mask | 1 << k)
                })
                .collect();
            nodes[index].memo = roots.len() as u16;
            roots.push(MemoRoot { internal, inherited, unfollowed_mask, features });
            return;
        }
    }
    on_path.push(node.feature);
    find_roots(nodes, node.left as usize, size, on_path, roots);
    find_roots(nodes, node.right as usize, size, on_path, roots);
    on_path.pop();
}

/// Nodes in each subtree, whatever order the tree stores its nodes in.
fn subtree_sizes(nodes: &[WalkNode], index: usize, size: &mut [usize]) -> usize {
    let node = nodes[index];
    if node.left != NO_CHILD {
        size[index] =
            1 + subtree_sizes(nodes, node.left as usize, size) + subtree_sizes(nodes, node.right as usize, size);
    }
    size[index]
}

fn collect_internal(nodes: &[WalkNode], index: usize, out: &mut Vec<u32>) {
    let node = nodes[index];
    if node.left != NO_CHILD {
        out.push(index as u32);
        collect_internal(nodes, node.left as usize, out);
        collect_internal(nodes, node.right as usize, out);
    }
}

/// Whether `row` goes left at `node` (missing values go the node's stored way).
#[inline(always)]
pub(super) fn goes_left(node: &WalkNode, row: &[f64]) -> bool {
    let value = row[node.feature as usize];
    if value.is_nan() {
        node.missing_left
    } else {
        value < node.threshold
    }
}

impl MemoRoot {
    /// The signature of `row` in this subtree; `followed(j)`: whether it followed every
    /// edge on feature j above.
    #[inline(always)]
    pub(super) fn signature(&self, nodes: &[WalkNode], row: &[f64], followed: impl Fn(usize) -> bool) -> u64 {
        let mut signature = 0u64;
        for (k, &n) in self.internal.iter().enumerate() {
            signature |= u64::from(goes_left(&nodes[n as usize], row)) << k;
        }
        for (k, &j) in self.inherited.iter().enumerate() {
            if followed(j as usize) {
                signature |= 1 << (self.internal.len() + k);
            } else {
                signature &= self.unfollowed_mask[k];
            }
        }
        signature
    }
}

/// Φ and Ψ per (subtree, signature) of one tree, filled as objects need them.
pub(super) struct Memo<const Q: usize> {
    /// Per shared subtree and signature, its entry, or `u32::MAX` when not met yet.
    known: Vec<u32>,
    phi: Vec<[[f64; Q]; COMPUTED]>,
    /// Entry e's Ψ, one per feature of its subtree, start at `psi_start[e]`.
    psi_start: Vec<u32>,
    psi: Vec<[[f64; Q]; COMPUTED]>,
    /// Entries (Φ and Ψ together) kept before starting again empty.
    max_entries: usize,
}

impl<const Q: usize> Memo<Q> {
    /// A memo of at most `max_entry_bytes` of entries.
    pub(super) fn new(roots: usize, max_entry_bytes: usize) -> Self {
        Memo {
            known: vec![u32::MAX; roots << SIGNATURE_BITS],
            phi: Vec::new(),
            psi_start: Vec::new(),
            psi: Vec::new(),
            max_entries: max_entry_bytes / std::mem::size_of::<[[f64; Q]; COMPUTED]>(),
        }
    }

    /// The entry of `signature` in subtree `root`, if computed already.
    #[inline(always)]
    pub(super) fn find(&self, root: usize, signature: u64) -> Option<usize> {
        let e = self.known[root << SIGNATURE_BITS | signature as usize];
        (e != u32::MAX).then_some(e as usize)
    }

    /// Φ and the Ψ (one per feature of the subtree) of entry `e`.
    #[inline(always)]
    pub(super) fn entry(&self, e: usize, features: usize) -> (&[[f64; Q]; COMPUTED], &[[[f64; Q]; COMPUTED]]) {
        let start = self.psi_start[e] as usize;
        (&self.phi[e], &self.psi[start..start + features])
    }

    /// Computes and stores the entry of `signature` in the subtree rooted at `index`, from
    /// the path state at that node: per feature the combined cover ratio `p` and whether it
    /// was split above (`seen`). Same per-point arithmetic as the lane walk.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn compute(
        &mut self,
        rule: &Rule<Q>,
        nodes: &[WalkNode],
        root: &MemoRoot,
        root_index: usize,
        index: usize,
        signature: u64,
        p: &mut [f64],
        seen: &mut [bool],
    ) -> usize {
        if self.phi.len() + self.psi.len() + 1 + root.features.len() > self.max_entries {
            // Full: forget every entry (their indices too); later objects compute them again.
            self.known.fill(u32::MAX);
            self.phi.clear();
            self.psi_start.clear();
            self.psi.clear();
        }
        let start = self.psi.len();
        self.psi.extend(std::iter::repeat_n([[0.0; Q]; COMPUTED], root.features.len()));
        let mut followed = vec![true; p.len()];
        for (k, &j) in root.inherited.iter().enumerate() {
            followed[j as usize] = signature >> (root.internal.len() + k) & 1 == 1;
        }
        let mut walk = EntryWalk {
            rule,
            nodes,
            features: &root.features,
            signature,
            next_split: 0,
            p,
            seen,
            followed: &mut followed,
            psi: &mut self.psi[start..],
        };
        let mut phi = [[0.0; Q]; COMPUTED];
        walk.visit(index, &[1.0; Q], &mut phi);
        let e = self.phi.len();
        self.phi.push(phi);
        self.psi_start.push(start as u32);
        self.known[root_index << SIGNATURE_BITS | signature as usize] = e as u32;
        e
    }
}
