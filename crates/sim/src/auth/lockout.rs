//! Locks an account after too many failed logins in a row.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

pub(crate) const MAX_FAILURES: u32 = 5;

#[derive(Debug, Default)]
pub(crate) struct Lockout {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    failures: u32,
    locked_at: Option<Instant>,
}

impl Lockout {
    /// Whether the account is locked now; a lock older than `lock_for` lifts itself
    /// (`None`: locked until restart).
    pub(crate) fn is_locked(&self, lock_for: Option<Duration>) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match (state.locked_at, lock_for) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(at), Some(lock_for)) if at.elapsed() < lock_for => true,
            (Some(_), Some(_)) => {
                *state = State::default();
                false
            }
        }
    }

    /// Records a failed login; returns true when this failure locked the account.
    pub(crate) fn fail(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.failures += 1;
        if state.failures >= MAX_FAILURES && state.locked_at.is_none() {
            state.locked_at = Some(Instant::now());
            return true;
        }
        false
    }

    pub(crate) fn succeed(&self) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = State::default();
    }
}
