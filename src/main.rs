fn main() {
    // With panic = "abort" a panic ends the app; at least say why in the console.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(cardfile::App);
}
