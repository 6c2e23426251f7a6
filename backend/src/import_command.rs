//! `people import`: analyses a file locally with `shared` and imports it
//! into a running server through the batch protocol, with progress bars.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use futures::stream::{self, StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use shared::wire::{
    BatchReceipt, CommitRequest, ImportChoices, ImportCreated, ImportEntry, ImportRequest,
    ImportStatus, OnMatch, TagChoice, BATCH_PROFILES,
};
use shared::{ProfileDraft, Settings};

use crate::cli::ImportArgs;

/// Runs the import and prints its outcome; exits non-zero when the server
/// reports the import Failed.
pub async fn run(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let request = analyze(args)?;
    let client = Client::new(args)?;

    let checksum = hex::encode(Sha256::digest(std::fs::read(&args.file)?));
    let created: ImportCreated = client
        .send_json(
            client
                .http
                .post(client.url("/api/imports"))
                .json(&request.new_import(checksum)),
        )
        .await
        .context("cannot create the import")?;
    let import_id = created.entry.import_id;
    if created.resumed {
        eprintln!(
            "resuming import {import_id}: {} batches were already uploaded",
            created.received_batches.len()
        );
    }

    let batches: Vec<(u32, &[ProfileDraft])> = request
        .profiles
        .chunks(BATCH_PROFILES)
        .enumerate()
        .map(|(number, batch)| (number as u32, batch))
        .filter(|(number, _)| created.received_batches.binary_search(number).is_err())
        .collect();
    let batch_count = request.profiles.len().div_ceil(BATCH_PROFILES) as u32;
    let upload = bar(request.profiles.len() as u64, "uploading");
    upload
        .inc((request.profiles.len() - batches.iter().map(|(_, b)| b.len()).sum::<usize>()) as u64);
    stream::iter(batches)
        .map(|(number, batch)| {
            let client = &client;
            let upload = &upload;
            async move {
                client.put_batch(import_id, number, batch).await?;
                upload.inc(batch.len() as u64);
                anyhow::Ok(())
            }
        })
        .buffer_unordered(usize::from(args.parallel))
        .try_collect::<Vec<()>>()
        .await?;
    upload.finish();

    let _: ImportEntry = client
        .send_json(
            client
                .http
                .post(client.url(&format!("/api/imports/{import_id}/commit")))
                .json(&CommitRequest { batch_count }),
        )
        .await
        .context("cannot commit the import")?;
    let entry = wait_for_merge(&client, import_id).await?;
    print_outcome(&entry);
    Ok(if entry.status == ImportStatus::Failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn analyze(args: &ImportArgs) -> anyhow::Result<ImportRequest> {
    let settings_text = std::fs::read_to_string(&args.settings)
        .with_context(|| format!("cannot read {}", args.settings.display()))?;
    let settings: Settings = serde_json::from_str(&settings_text)
        .with_context(|| format!("invalid settings file {}", args.settings.display()))?;
    let file_name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file_size = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    shared::check_upload_size(&file_name, file_size).map_err(anyhow::Error::msg)?;
    let bytes = std::fs::read(&args.file)?;
    let table = shared::read_file(&file_name, &bytes, &settings.read, settings.skip_rows)
        .map_err(|rejection| anyhow::anyhow!("{file_name} is rejected: {rejection}"))?;
    let analysis = shared::analyze(&table, &settings)
        .map_err(|rejection| anyhow::anyhow!("{file_name} is rejected: {rejection}"))?;
    let summary = analysis.summary;
    eprintln!(
        "{file_name}: {} valid and {} error records, {} profiles",
        summary.valid_records, summary.error_records, summary.profiles
    );
    let tags = if args.auto_tag {
        TagChoice::Automatically
    } else if args.tag.is_empty() {
        TagChoice::None
    } else {
        TagChoice::Manually(args.tag.clone())
    };
    Ok(ImportRequest {
        file_name,
        file_size,
        settings,
        choices: ImportChoices {
            on_match: if args.merge {
                OnMatch::Merge
            } else {
                OnMatch::Discard
            },
            tags,
            journey_id: None,
            edited_cells: 0,
        },
        summary,
        errors: analysis.errors,
        profiles: analysis.profiles,
    })
}

fn bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let style =
        ProgressStyle::with_template("{msg:10} [{bar:40}] {pos}/{len} profiles ({percent}%)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(message);
    bar
}

async fn wait_for_merge(client: &Client, import_id: i64) -> anyhow::Result<ImportEntry> {
    let merge = bar(0, "merging");
    loop {
        let entry: ImportEntry = client
            .send_json(
                client
                    .http
                    .get(client.url(&format!("/api/imports/{import_id}"))),
            )
            .await?;
        if let Some(progress) = entry.progress {
            merge.set_length(progress.total);
            merge.set_position(progress.done);
        }
        if entry.status != ImportStatus::Importing {
            merge.finish_and_clear();
            return Ok(entry);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn print_outcome(entry: &ImportEntry) {
    let counts = entry.counts;
    println!("import {}: {}", entry.import_id, entry.status.label());
    if let Some(failure) = &entry.failure {
        println!("reason: {failure}");
    }
    println!(
        "valid records: {}, error records: {}",
        entry.valid_records, entry.error_records
    );
    println!(
        "profiles: {} created, {} updated, {} promoted, {} discarded, {} failed",
        counts.created, counts.updated, counts.promoted, counts.discarded, counts.failed
    );
}

/// An HTTP client that sends the API token.
struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(args: &ImportArgs) -> anyhow::Result<Client> {
        let mut headers = reqwest::header::HeaderMap::new();
        let bearer = format!("Bearer {}", args.token);
        headers.insert(
            reqwest::header::AUTHORIZATION,
            bearer
                .parse()
                .context("the token is not a valid header value")?,
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(300))
            .build()?;
        Ok(Client {
            http,
            base: args.server.trim_end_matches('/').to_owned(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> anyhow::Result<T> {
        let response = request
            .send()
            .await
            .context("the server cannot be reached")?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            let message = serde_json::from_str::<shared::wire::ApiError>(&text)
                .map(|error| error.message)
                .unwrap_or(text);
            anyhow::bail!("the server answered {status}: {message}");
        }
        serde_json::from_str(&text).with_context(|| format!("unexpected answer: {text}"))
    }

    /// Uploads one batch, gzip-compressed; retries a few times when the
    /// connection fails, since a resent batch is stored once.
    async fn put_batch(
        &self,
        import_id: i64,
        number: u32,
        batch: &[ProfileDraft],
    ) -> anyhow::Result<BatchReceipt> {
        let json = serde_json::to_vec(batch)?;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, &json)?;
        let body = encoder.finish()?;
        let url = self.url(&format!("/api/imports/{import_id}/batches/{number}"));
        let mut attempt = 0;
        loop {
            let request = self
                .http
                .put(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::CONTENT_ENCODING, "gzip")
                .body(body.clone());
            match self.send_json(request).await {
                Ok(receipt) => return Ok(receipt),
                Err(error) if attempt < 3 && error.to_string().contains("cannot be reached") => {
                    attempt += 1;
                    eprintln!("batch {number}: {error:#}; retrying");
                    tokio::time::sleep(Duration::from_secs(attempt)).await;
                }
                Err(error) => return Err(error.context(format!("batch {number} failed"))),
            }
        }
    }
}
