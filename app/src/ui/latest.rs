//! Requests of which only the newest answer counts: a search typed further, a list whose filter
//! changed, a preview of text still being edited, the details of a mail that moved on. Leptos'
//! `Action` keeps every answer, so an older, slower one could overwrite a newer one; here it is
//! dropped. It is also dropped once the component that asked is gone.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

#[derive(Clone, Copy)]
pub struct Latest {
    asked: StoredValue<u64>,
    answered: StoredValue<u64>,
}

/// One request's place in line: still current until a newer one is sent or `forget` is called.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

impl Latest {
    pub fn new() -> Self {
        Self { asked: StoredValue::new(0), answered: StoredValue::new(0) }
    }

    /// Sends `request`; `answer` runs with its result unless something newer was sent meanwhile.
    pub fn send<T: 'static>(&self, request: impl Future<Output = T> + 'static, answer: impl FnOnce(T) + 'static) {
        let ticket = self.forget();
        let this = *self;
        spawn_local(async move {
            let result = request.await;
            if this.is_current(ticket) {
                this.answered.set_value(ticket.0);
                answer(result);
            }
        });
    }

    /// Drops whatever answer is on its way, and names the moment for `is_current`.
    pub fn forget(&self) -> Ticket {
        Ticket(
            self.asked
                .try_update_value(|n| {
                    *n += 1;
                    *n
                })
                .unwrap_or_default(),
        )
    }

    /// The newest request has not been answered yet: a periodic refresh waits for it instead of
    /// replacing it, so a server slower than the period still gets its answers shown.
    pub fn is_waiting(&self) -> bool {
        self.asked.try_get_value() != self.answered.try_get_value()
    }

    /// Nothing was sent or forgotten since `ticket`, and the component is still there.
    pub fn is_current(&self, ticket: Ticket) -> bool {
        self.asked.try_get_value() == Some(ticket.0)
    }
}

impl Default for Latest {
    fn default() -> Self {
        Self::new()
    }
}
