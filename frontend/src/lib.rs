//! Browser app of the people importer, built with Leptos for the client
//! side only.
//!
//! The app (`src/main.rs`) leads through upload, mapping, analysis and
//! import, and lists stored persons and past imports. Decoding and analysis
//! of the file run in a Web Worker (`src/bin/worker.rs`) through
//! [`shared`], never on the UI thread; [`bridge`] and [`protocol`] connect
//! the two.

pub mod analysis;
pub mod analysis_chart;
pub mod api;
pub mod app;
pub mod bridge;
pub mod catalog;
pub mod display;
pub mod flow;
pub mod focus;
pub mod history;
pub mod import;
pub mod mapping;
pub mod notice;
pub mod notifications;
pub mod paged;
pub mod persons;
pub mod progress;
pub mod protocol;
pub mod scroll;
pub mod sending;
pub mod session;
pub mod upload;
pub mod worker;
