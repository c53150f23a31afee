//! WebKitGTK settings the app chooses for itself on Linux. Measured in BENCHMARKS.md
//! ("Desktop app, release build: what the paint costs").

use std::ffi::OsStr;
use std::path::Path;

use tauri::{Runtime, WebviewWindow};
use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};

/// WebKitGTK's switch from Skia's GPU rasterizer to its CPU one (compositing stays on).
const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Where a GPU's render nodes appear; without one, Mesa's GL is the software llvmpipe.
const DRI_DIR: &str = "/dev/dri";

/// Whether to ask for CPU rendering: only when the user did not choose (to either value) and
/// the PC has no GPU render node. With no GPU, Skia's "GPU" rasterizer runs on llvmpipe, which
/// emulates GL on the CPU: painting straight on the CPU is faster (Enter → QR p50) and holds
/// about 60 MiB less in the web process. A PC with a GPU keeps WebKit's default.
fn wants_cpu_rendering(current: Option<&OsStr>, has_render_node: bool) -> bool {
    current.is_none() && !has_render_node
}

fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Chooses WebKit's rasterizer before the web view starts. Called first in `run()`, before
/// any thread starts, because the environment is shared by the whole process (and inherited
/// by WebKit's web process, which reads it).
pub fn configure() {
    let current = std::env::var_os(CPU_RENDERING);
    if wants_cpu_rendering(current.as_deref(), has_render_node(Path::new(DRI_DIR))) {
        std::env::set_var(CPU_RENDERING, "1");
    }
}

/// Applies the settings to a window's web view: the counter and customer screens are local
/// pages that never navigate, draw WebGL or go back, so WebKit's browser-sized caches only
/// hold memory. A failure is logged and the window runs with WebKit's defaults.
pub fn tune<R: Runtime>(window: &WebviewWindow<R>) {
    let applied = window.with_webview(|webview| {
        let view = webview.inner();
        // One page, no browsing: the smallest memory and page caches WebKit has.
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_page_cache(false);
            settings.set_enable_webgl(false);
            settings.set_enable_smooth_scrolling(false);
            settings.set_enable_dns_prefetching(false);
        }
    });
    if let Err(err) = applied {
        tracing::warn!("WebKit settings not applied: {err}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_rendering_only_without_a_gpu_and_when_the_user_did_not_choose() {
        assert!(wants_cpu_rendering(None, false));
        assert!(!wants_cpu_rendering(None, true));
        assert!(!wants_cpu_rendering(Some(OsStr::new("0")), false));
        assert!(!wants_cpu_rendering(Some(OsStr::new("1")), true));
    }

    #[test]
    fn a_render_node_is_found_by_its_name() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
    }
}
