//! Payment lists travelling in inv, getdata and tx messages: stored once, named by a
//! small id in the event, and reused once consumed.

use super::super::super::ids::{ListId, PaymentId};

#[derive(Default)]
pub struct Lists {
    lists: Vec<Vec<PaymentId>>,
    free: Vec<ListId>,
}

impl Lists {
    pub fn store(&mut self, list: Vec<PaymentId>) -> ListId {
        match self.free.pop() {
            Some(id) => {
                self.lists[id.index()] = list;
                id
            }
            None => {
                self.lists.push(list);
                ListId((self.lists.len() - 1) as u32)
            }
        }
    }

    /// The list, which is consumed: its id is free for the next.
    pub fn take(&mut self, id: ListId) -> Vec<PaymentId> {
        self.free.push(id);
        std::mem::take(&mut self.lists[id.index()])
    }

    pub fn get(&self, id: ListId) -> &[PaymentId] {
        &self.lists[id.index()]
    }

    pub fn len(&self, id: ListId) -> usize {
        self.lists[id.index()].len()
    }
}
