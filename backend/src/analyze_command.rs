//! `people analyze`: the analysis of one file, printed as JSON.

use std::process::ExitCode;

use serde_json::{json, Value};
use shared::{RejectCode, Rejection, Settings};

use crate::cli::AnalyzeArgs;

/// Runs the analysis and prints it; exits non-zero when the file is
/// rejected as a whole or cannot be read.
pub fn run(args: &AnalyzeArgs) -> ExitCode {
    let output = match analyze_file(args) {
        Ok(report) => report,
        Err(rejection) => {
            print_json(&json!({
                "rejected": true,
                "code": rejection.code,
                "message": rejection.message,
            }));
            return ExitCode::FAILURE;
        }
    };
    print_json(&output);
    ExitCode::SUCCESS
}

fn print_json(value: &Value) {
    // Serializing a `Value` cannot fail.
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn analyze_file(args: &AnalyzeArgs) -> Result<Value, Rejection> {
    let settings_text = std::fs::read_to_string(&args.settings).map_err(|error| {
        Rejection::new(
            RejectCode::InvalidSettings,
            format!(
                "cannot read settings file {}: {error}",
                args.settings.display()
            ),
        )
    })?;
    let settings: Settings = serde_json::from_str(&settings_text).map_err(|error| {
        Rejection::new(
            RejectCode::InvalidSettings,
            format!("invalid settings file {}: {error}", args.settings.display()),
        )
    })?;

    let file_name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let size = std::fs::metadata(&args.file)
        .map_err(|error| read_failure(args, &error))?
        .len();
    // Check the size before reading, so a huge file is never loaded.
    shared::check_upload_size(&file_name, size)?;
    let bytes = std::fs::read(&args.file).map_err(|error| read_failure(args, &error))?;

    let table = shared::read_file(&file_name, &bytes, &settings.read, settings.skip_rows)?;
    let analysis = shared::analyze(&table, &settings)?;

    let summary = analysis.summary;
    let mut output = json!({
        "data_rows": summary.data_rows,
        "valid_records": summary.valid_records,
        "error_records": summary.error_records,
        "profiles": summary.profiles,
        "errors": analysis.errors,
        "warnings": analysis.warnings,
        "source": table.info,
    });
    if args.records {
        let records: Vec<Value> = analysis
            .records
            .iter()
            .map(|record| {
                json!({
                    "row": record.row,
                    "valid": record.valid,
                    "fields": shared::analysis::record_fields(&record.values),
                })
            })
            .collect();
        output["records"] = Value::Array(records);
    }
    Ok(output)
}

fn read_failure(args: &AnalyzeArgs, error: &std::io::Error) -> Rejection {
    Rejection::new(
        RejectCode::CorruptFile,
        format!("cannot read {}: {error}", args.file.display()),
    )
}
