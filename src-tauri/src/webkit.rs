//! WebKitGTK settings the app chooses for itself on Linux, before the web view starts.

use std::ffi::OsStr;

/// WebKitGTK's switch for accelerated compositing.
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The value to give `WEBKIT_DISABLE_COMPOSITING_MODE`: off by default, and whatever the user
/// set (to either value) is left alone.
fn compositing_choice(current: Option<&OsStr>) -> Option<&'static str> {
    current.is_none().then_some("1")
}

/// Turns WebKitGTK's accelerated compositing off unless the user chose. The counter screen is
/// a static page (no video, WebGL, 3D or scrolling layers) that WebKit's CPU painter draws
/// faster here (Enter → QR p95 103–138 ms against 213), and compositing held 110–140 MiB more
/// in the web process (BENCHMARKS.md, "Desktop app, release build"). Called first in `run()`,
/// before any thread starts, because the environment is shared by the whole process.
pub fn configure() {
    if let Some(value) = compositing_choice(std::env::var_os(DISABLE_COMPOSITING).as_deref()) {
        std::env::set_var(DISABLE_COMPOSITING, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_is_turned_off_only_when_the_user_did_not_choose() {
        assert_eq!(compositing_choice(None), Some("1"));
        assert_eq!(compositing_choice(Some(OsStr::new("0"))), None);
        assert_eq!(compositing_choice(Some(OsStr::new("1"))), None);
        assert_eq!(compositing_choice(Some(OsStr::new(""))), None);
    }
}
