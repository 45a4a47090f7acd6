//! Writes every target's seeds to `<dir>/<target>/seed-<n>` (for cargo-fuzz).

fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "fuzz/corpus".into()));
    for (name, _) in attune_fuzz::TARGETS {
        let target = dir.join(name);
        std::fs::create_dir_all(&target)?;
        for (i, seed) in attune_fuzz::seeds::for_target(name).iter().enumerate() {
            std::fs::write(target.join(format!("seed-{i:03}")), seed)?;
        }
    }
    Ok(())
}
