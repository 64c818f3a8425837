//! Bitcoin's classic relay: inv, getdata, block — every default of the trait.

use super::BlockProtocol;

pub struct InvGetdata;

impl BlockProtocol for InvGetdata {}
