//! The eclipse section's figures: its trials run (`net::eclipse`) and summed up.

use crate::net::eclipse::{run_trials, Trial};
use crate::results::summary::EclipseFigures;
use crate::scenario::Scenario;

/// The trials and their summary; nothing without an `eclipse:` section.
pub fn eclipse_figures(sc: &Scenario) -> (Option<EclipseFigures>, Vec<Trial>) {
    let Some(e) = &sc.eclipse else {
        return (None, Vec::new());
    };
    let plan = e.plan();
    let trials = run_trials(&plan, sc.seed);
    let n = trials.len() as f64;
    let mean = |f: &dyn Fn(&Trial) -> f64| trials.iter().map(f).sum::<f64>() / n;
    let success = mean(&|t| f64::from(u8::from(t.eclipsed)));
    let outbound = plan.outbound as i32;
    let figures = EclipseFigures {
        eclipse_addresses: plan.addresses(),
        eclipse_attack_s: plan.attack_s,
        eclipse_trials: plan.trials,
        eclipse_success: success,
        eclipse_success_se: (success * (1.0 - success) / n).sqrt(),
        eclipse_attacker_share_tried: mean(&|t| t.attacker_share),
        eclipse_tried_entries: mean(&|t| f64::from(t.tried)),
        eclipse_trash_share_new: mean(&|t| f64::from(t.new_trash) / f64::from(t.new.max(1))),
        eclipse_p_theory: mean(&|t| t.p_theory),
        eclipse_p_random_selection: mean(&|t| t.attacker_share.powi(outbound)),
    };
    (Some(figures), trials)
}
