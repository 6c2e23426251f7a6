//! Entry point of the app: sets up panic messages and logging, then mounts
//! the app on the page body.

fn main() {
    console_error_panic_hook::set_once();
    if let Err(error) = console_log::init_with_level(log::Level::Info) {
        eprintln!("logger setup failed: {error}");
    }
    leptos::mount::mount_to_body(frontend::app::App);
}
