//! Native timing of the analysis that the browser runs in its worker:
//! `read_file` and `analyze` on one file, then the JSON serialization of
//! the part of the result that the worker sends back to the app.
//!
//! ```sh
//! cargo run --release -p shared --example bench_analyze -- FILE SETTINGS.json [RUNS]
//! ```
//!
//! Prints one JSON object: the wall-clock and CPU times of every run in
//! milliseconds, the analysis summary and the peak resident set size of
//! the process. Used by `scripts/bench.sh`; see BENCHMARKS.md.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use serde::Serialize;
use serde_json::json;
use shared::{ProfileDraft, RecordError, Summary, Warning};

/// The part of an analysis that the worker sends to the app, serialized
/// the same way (`frontend::protocol::AnalysisResult` without the checksum).
#[derive(Serialize)]
struct SentResult<'a> {
    summary: &'a Summary,
    errors: &'a [RecordError],
    warnings: &'a [Warning],
    profiles: &'a [ProfileDraft],
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (file, settings) = match (args.first(), args.get(1)) {
        (Some(file), Some(settings)) => (Path::new(file), Path::new(settings)),
        _ => {
            eprintln!("usage: bench_analyze FILE SETTINGS.json [RUNS]");
            return ExitCode::from(2);
        }
    };
    let runs: usize = match args.get(2).map(|text| text.parse()) {
        None => 1,
        Some(Ok(runs)) if runs > 0 => runs,
        Some(_) => {
            eprintln!("RUNS must be a whole number of 1 or more");
            return ExitCode::from(2);
        }
    };
    match run(file, settings, runs) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("bench_analyze: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(file: &Path, settings_path: &Path, runs: usize) -> Result<serde_json::Value, String> {
    let settings_text = std::fs::read_to_string(settings_path)
        .map_err(|error| format!("cannot read {}: {error}", settings_path.display()))?;
    let settings: shared::Settings = serde_json::from_str(&settings_text)
        .map_err(|error| format!("invalid settings in {}: {error}", settings_path.display()))?;
    let bytes =
        std::fs::read(file).map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    let name = file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();

    let mut timings = Vec::new();
    let mut summary = None;
    for _ in 0..runs {
        let cpu_start = thread_cpu_ms();
        let start = Instant::now();
        let table = shared::read_file(&name, &bytes, &settings.read, settings.skip_rows)
            .map_err(|rejection| format!("{name} was rejected: {}", rejection.message))?;
        let read = start.elapsed();
        let cpu_read = thread_cpu_ms();
        let analysis = shared::analyze(&table, &settings)
            .map_err(|rejection| format!("the analysis was rejected: {}", rejection.message))?;
        let analyzed = start.elapsed();
        let sent = SentResult {
            summary: &analysis.summary,
            errors: &analysis.errors,
            warnings: &analysis.warnings,
            profiles: &analysis.profiles,
        };
        let text = serde_json::to_string(&sent).map_err(|error| error.to_string())?;
        let serialized = start.elapsed();
        let cpu_end = thread_cpu_ms();
        timings.push(json!({
            "read_ms": millis(read),
            "analyze_ms": millis(analyzed - read),
            "read_analyze_ms": millis(analyzed),
            "serialize_ms": millis(serialized - analyzed),
            "total_ms": millis(serialized),
            "read_cpu_ms": cpu_read - cpu_start,
            "total_cpu_ms": cpu_end - cpu_start,
            "result_json_bytes": text.len(),
        }));
        summary = Some(analysis.summary);
        // Dropped before the next run, as the worker drops them.
        drop((table, analysis, text));
    }

    Ok(json!({
        "file": file.display().to_string(),
        "bytes": bytes.len(),
        "runs": timings,
        "summary": summary,
        "peak_rss_bytes": peak_rss_bytes(),
    }))
}

fn millis(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

/// Returns the CPU time (user and system) this thread has used, in
/// milliseconds at the kernel's 10 ms tick, from /proc/thread-self/stat;
/// 0 where that file does not exist.
fn thread_cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // The command name is in brackets and may hold spaces, so the fields
    // are counted from the closing bracket: utime and stime are the 12th
    // and 13th after it.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    // NOTE: assumes USER_HZ = 100, the value on Linux for x86 and arm.
    ticks as f64 * 10.0
}

/// Returns the peak resident set size of this process (`VmHWM` in
/// /proc/self/status), or `None` where that file does not exist.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
