//! Where the proxy's log lines go: stdout, in batches. Each request logs one line; written
//! one `write` system call at a time, that line cost the proxy as much as a good part of
//! the forwarding itself. Lines are collected in memory instead and written by a background
//! thread every `FLUSH_EVERY`, at once when the batch grows past `MAX_BATCH`, and at once
//! for warnings and errors (they stay prompt, in order with what came before them). A crash
//! can lose the last `FLUSH_EVERY` of info lines.
//! `flush` writes what is left; `main` calls it on the way out.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait in memory.
pub const FLUSH_EVERY: Duration = Duration::from_millis(20);
/// A batch this large is written at once, by the thread that logs. Large enough that at tens
/// of thousands of requests a second the background thread does the writing.
const MAX_BATCH: usize = 1024 * 1024;

/// A `MakeWriter` for tracing-subscriber's `fmt` layer that batches lines for `sink`.
#[derive(Clone)]
pub struct BatchedLog {
    inner: Arc<Inner>,
}

struct Inner {
    batch: Mutex<Vec<u8>>,
    /// Held while writing, so batches go out in the order they were taken.
    sink: Mutex<Box<dyn Write + Send>>,
}

impl BatchedLog {
    /// Batches for stdout, flushed by a background thread.
    pub fn stdout() -> Self {
        let log = Self::new(Box::new(std::io::stdout()));
        let flusher = log.clone();
        // Nothing to join: the thread ends with the process, after `flush` on the way out.
        let _ = std::thread::Builder::new()
            .name("log-flush".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(FLUSH_EVERY);
                    flusher.flush();
                }
            });
        log
    }

    fn new(sink: Box<dyn Write + Send>) -> Self {
        BatchedLog {
            inner: Arc::new(Inner {
                batch: Mutex::new(Vec::with_capacity(64 * 1024)),
                sink: Mutex::new(sink),
            }),
        }
    }

    /// Writes out every line logged so far.
    pub fn flush(&self) {
        let mut sink = self.inner.sink.lock().unwrap_or_else(PoisonError::into_inner);
        let lines = {
            let mut batch = self.inner.batch.lock().unwrap_or_else(PoisonError::into_inner);
            if batch.is_empty() {
                return;
            }
            std::mem::replace(&mut *batch, Vec::with_capacity(64 * 1024))
        };
        // Nowhere to report a failing stdout; the lines are dropped as `println!` would panic.
        let _ = sink.write_all(&lines);
        let _ = sink.flush();
    }
}

/// One event's writer: appends to the batch; `urgent` (a warning or an error) writes the
/// batch out when the event is complete.
pub struct LineWriter<'a> {
    log: &'a BatchedLog,
    urgent: bool,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let full = {
            let mut batch = self
                .log
                .inner
                .batch
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            batch.extend_from_slice(buf);
            batch.len() >= MAX_BATCH
        };
        if full {
            self.log.flush();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter<'_> {
    fn drop(&mut self) {
        if self.urgent {
            self.log.flush();
        }
    }
}

impl<'a> MakeWriter<'a> for BatchedLog {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            log: self,
            urgent: false,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        LineWriter {
            log: self,
            urgent: *meta.level() <= Level::WARN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_wait_for_a_flush_except_warnings_and_full_batches() {
        let sink = Sink::default();
        let log = BatchedLog::new(Box::new(sink.clone()));
        let written = || String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        log.make_writer().write_all(b"one\n").unwrap();
        assert_eq!(written(), "", "an info line waits");
        log.flush();
        assert_eq!(written(), "one\n");
        log.make_writer().write_all(b"two\n").unwrap();
        {
            let mut urgent = LineWriter {
                log: &log,
                urgent: true,
            };
            urgent.write_all(b"warn\n").unwrap();
        }
        assert_eq!(
            written(),
            "one\ntwo\nwarn\n",
            "a warning goes out at once, in order"
        );
        let big = vec![b'x'; MAX_BATCH];
        log.make_writer().write_all(&big).unwrap();
        assert_eq!(written().len(), "one\ntwo\nwarn\n".len() + MAX_BATCH);
        log.flush();
        assert_eq!(written().len(), "one\ntwo\nwarn\n".len() + MAX_BATCH);
    }

    #[test]
    fn the_fmt_layer_writes_whole_lines_through_it() {
        use tracing_subscriber::layer::SubscriberExt;
        let sink = Sink::default();
        let log = BatchedLog::new(Box::new(sink.clone()));
        let subscriber = tracing_subscriber::registry().with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(log.clone()),
        );
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(status = 200, "proxied request");
            tracing::warn!("something is off");
        });
        let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = written.lines().collect();
        assert_eq!(lines.len(), 2, "{written}");
        assert!(lines[0].contains("proxied request") && lines[0].contains("status=200"));
        assert!(lines[1].contains("something is off"));
    }
}
