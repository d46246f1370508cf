//! Generates a dataset: `cargo run --release --example gen -- SCALE SEED OUTDIR [dirty] [real]`.

use xiezuo_generate::{GenerateOptions, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    let scale: f64 = a.get(1).map(|s| s.parse()).transpose()?.unwrap_or(0.01);
    let seed: u64 = a.get(2).map(|s| s.parse()).transpose()?.unwrap_or(1);
    let out = a.get(3).cloned().unwrap_or_else(|| "gen-out".into());
    let dirty = a.iter().skip(4).any(|s| s == "dirty");
    let real = a.iter().skip(4).any(|s| s == "real");
    let t = std::time::Instant::now();
    let s = generate(
        &GenerateOptions {
            scale,
            seed,
            dirty,
            real,
            ..GenerateOptions::default()
        },
        std::path::Path::new(&out),
    )?;
    for (f, n) in &s.files {
        println!("{f:28} {n:>10}");
    }
    println!("dirty rows {}; {:.2?}", s.dirty_rows, t.elapsed());
    Ok(())
}
