//! The node layer's own numbers, each a type: a miner, an attacker, a payment, a list
//! of payments in flight. (Nodes are `net::NodeId`, blocks `ledger::BlockId`.)

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug)]
        pub struct $name(pub u32);

        impl $name {
            /// Its position in the vector of its kind.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A miner: honest ones first, then one per attack, in scenario order.
    MinerId
);
id_type!(
    /// An attacker, by its place in the scenario's `attacks:` list.
    AttackerId
);
id_type!(
    /// A payment of the workload (or an attacker's), in the order they were made.
    PaymentId
);
id_type!(
    /// A list of payments travelling in one inv, getdata or tx message.
    ListId
);
