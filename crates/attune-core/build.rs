// The content directory is embedded (include_dir); rebuild when it changes.
fn main() {
    println!("cargo:rerun-if-changed=../../content");
}
