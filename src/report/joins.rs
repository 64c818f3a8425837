//! The figures of nodes that joined during a run and copied the chain (issue #18: how
//! long a new node takes to sync, and what serving it costs the others).

use super::summary::quantile;
use crate::node::join::JoinRecord;
use crate::node::RunOutput;
pub use crate::results::summary::JoinFigures;

/// Seconds from joining to synced, sorted, of the sessions that synced.
fn sync_times<'a>(records: impl Iterator<Item = &'a JoinRecord>) -> Vec<f64> {
    let mut s: Vec<f64> = records
        .filter_map(|j| Some((j.synced? - j.joined?).secs()))
        .collect();
    s.sort_by(f64::total_cmp);
    s
}

pub fn join_figures(out: &RunOutput) -> JoinFigures {
    let joined: Vec<_> = (out.joins.iter())
        .filter(|j| j.joined.is_some() && !j.rejoin)
        .collect();
    let returns: Vec<_> = out.joins.iter().filter(|j| j.rejoin).collect();
    let sync_s = sync_times(joined.iter().copied());
    let resync_s = sync_times(returns.iter().copied());
    let downloaded: u64 = joined.iter().map(|j| j.bytes_in).sum();
    JoinFigures {
        joined_nodes: joined.len() as u32,
        synced_nodes: sync_s.len() as u32,
        sync_s_p50: quantile(&sync_s, 0.5),
        sync_s_p90: quantile(&sync_s, 0.9),
        sync_s_max: sync_s.last().copied(),
        ibd_downloaded_bytes_mean: (!joined.is_empty())
            .then(|| downloaded as f64 / joined.len() as f64),
        ibd_served_bytes_total: out.ibd_served.iter().sum(),
        ibd_served_bytes_max: out.ibd_served.iter().copied().max().unwrap_or(0),
        churn_returns: returns.len() as u32,
        churn_resynced: resync_s.len() as u32,
        resync_s_p50: quantile(&resync_s, 0.5),
        resync_s_p90: quantile(&resync_s, 0.9),
    }
}
