//! Entry point of the analysis Web Worker, which trunk builds as a
//! separate wasm module (`data-type="worker"` in `index.html`).

fn main() {
    console_error_panic_hook::set_once();
    if let Err(error) = console_log::init_with_level(log::Level::Info) {
        eprintln!("logger setup failed: {error}");
    }
    frontend::worker::start();
}
