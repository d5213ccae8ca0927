fn main() {
    // The app embeds the built front end: rebuild it whenever ui/dist changes (cargo scans
    // a directory's whole tree), or `make app` would ship the previous UI.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
