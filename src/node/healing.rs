//! What nodes do when a fault begins or ends (the transport filters the messages in
//! between): a crash stops the node's miner; when a partition or crash heals, nodes on
//! either side of each link it cut tell each other their tips, as peers do when they
//! reconnect, and missing ancestors follow as orphans' parents are asked for.

use super::network::Network;
use crate::net::plan::FaultKind;
use crate::sim::SimTime;

impl Network {
    pub(super) fn fault_starts(&mut self, fault: usize) {
        for node in self.core.transport.faults.start(fault) {
            if let Some(m) = self.core.nodes.miner_at(node) {
                self.miners.void(m);
            }
        }
    }

    pub(super) fn fault_ends(&mut self, now: SimTime, fault: usize) {
        let crash = matches!(
            self.core.transport.faults.plans()[fault].kind,
            FaultKind::Crash { .. }
        );
        for node in self.core.transport.faults.end(fault) {
            if crash {
                self.core.transport.faults.restart(node);
            }
            for i in 0..self.core.transport.peers(node).len() {
                let peer = self.core.transport.peers(node)[i].peer;
                let core = &mut self.core;
                let cut = crash || !core.transport.faults.is_member(fault, peer);
                if !cut || !core.transport.usable(node, peer) {
                    continue;
                }
                let topology = core.transport.topology();
                let there = topology.link(node, peer).expect("peers");
                let back = topology.link(peer, node).expect("peers");
                let (here_tip, there_tip) = (core.views.tip(node), core.views.tip(peer));
                self.blocks
                    .announce_tip(core, &mut self.q, now, node, there, here_tip);
                self.blocks
                    .announce_tip(core, &mut self.q, now, peer, back, there_tip);
            }
            if crash {
                if let Some(m) = self.core.nodes.miner_at(node) {
                    self.schedule_mining(m);
                }
            }
        }
    }
}
