//! Replays inputs through a target and says how long each took:
//! `cargo run -p attune-fuzz --example replay -- <target> <file>...`
//! (for a failure kept by the tests or a crash found by `scripts/fuzz`).

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, files)) = args.split_first() else {
        eprintln!("usage: replay <target> <file>...");
        std::process::exit(2);
    };
    let Some((_, body)) = attune_fuzz::TARGETS.iter().find(|(n, _)| n == name) else {
        eprintln!("no target called {name}");
        std::process::exit(2);
    };
    for file in files {
        let Ok(data) = std::fs::read(file) else {
            eprintln!("{file}: cannot read it");
            continue;
        };
        let start = Instant::now();
        body(&data);
        println!("{file}: {} bytes, {:?}", data.len(), start.elapsed());
    }
}
