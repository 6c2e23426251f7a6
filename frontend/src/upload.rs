//! The first import step: file choice by input or drag and drop, skip
//! rows, person type, worksheet or delimiter and encoding, and the preview
//! of the first rows.

use leptos::prelude::*;
use shared::{FileFormat, PersonType};
use web_sys::{DragEvent, HtmlInputElement};

use crate::display::{describe_source, format_bytes, person_type_label};
use crate::flow::ImportFlow;
use crate::progress::ProgressLine;
use crate::protocol::Preview;
use crate::scroll::TableScroll;

/// File types that the file dialog offers.
const ACCEPTED_FILES: &str = ".csv,.txt,.tsv,.xls,.xlsx,.xlsb,.ods,.zip";

/// Renders the file choice, the read options and the preview.
#[component]
pub fn UploadStep() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    view! {
        <section class="step" aria-labelledby="upload-heading">
            <h2 id="upload-heading">"Choose a file"</h2>
            <DropZone />
            <div class="read-options">
                <SkipRowsInput />
                <PersonTypeSelect />
                <SheetSelect />
                <TextReadSelects />
            </div>
            <div class="status" role="status">
                {move || {
                    flow.reading
                        .get()
                        .map(|stage| {
                            view! {
                                <ProgressLine
                                    label="Reading progress"
                                    fraction=stage.fraction()
                                    text=stage.describe()
                                />
                                <button type="button" on:click=move |_| flow.reset()>
                                    "Cancel"
                                </button>
                            }
                        })
                }}
            </div>
            {move || flow.preview.get().map(|preview| view! { <PreviewTable preview /> })}
        </section>
    }
}

/// Renders the file input inside a zone that also accepts a dropped file.
#[component]
fn DropZone() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let (dragging, set_dragging) = signal(false);
    let input_ref = NodeRef::<leptos::html::Input>::new();

    // A reset of the flow must also empty the file input, which keeps its
    // own state in the DOM.
    Effect::new(move |_| {
        if flow.file_name.get().is_none() {
            if let Some(input) = input_ref.get() {
                input.set_value("");
            }
        }
    });

    let on_change = move |event: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&event);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            flow.select_file(file);
        }
    };
    let on_drop = move |event: DragEvent| {
        event.prevent_default();
        set_dragging.set(false);
        let file = event
            .data_transfer()
            .and_then(|transfer| transfer.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            // The input would otherwise still name the file chosen before.
            if let Some(input) = input_ref.get() {
                input.set_value("");
            }
            flow.select_file(file);
        }
    };

    view! {
        <div
            class="drop-zone"
            class:dragging=move || dragging.get()
            on:dragover=move |event: DragEvent| {
                event.prevent_default();
                set_dragging.set(true);
            }
            on:dragleave=move |_| set_dragging.set(false)
            on:drop=on_drop
        >
            <label for="file-input">"Upload file"</label>
            <input
                id="file-input"
                type="file"
                accept=ACCEPTED_FILES
                aria-describedby="file-hint"
                node_ref=input_ref
                on:change=on_change
            />
            <p id="file-hint" class="hint">
                "Or drop a file here. CSV, TXT, XLS, XLSX, XLSB, ODS or ZIP, up to 50 MiB."
            </p>
            {move || {
                flow.file_name
                    .get()
                    .map(|name| {
                        view! {
                            <p class="chosen-file">
                                <strong>{name}</strong>
                                " (" {move || format_bytes(flow.file_size.get())} ")"
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// Renders the input of the number of rows above the header.
#[component]
fn SkipRowsInput() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let (problem, set_problem) = signal(None::<String>);
    let on_input = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        match text.trim().parse::<usize>() {
            Ok(rows) => {
                set_problem.set(None);
                if rows != flow.skip_rows.get_untracked() {
                    flow.skip_rows.set(rows);
                    flow.refresh_preview();
                }
            }
            Err(_) => set_problem.set(Some(
                "Skip rows must be a whole number, 0 or more.".to_owned(),
            )),
        }
    };
    view! {
        <div class="field">
            <label for="skip-rows">"Skip rows"</label>
            <input
                id="skip-rows"
                type="number"
                min="0"
                step="1"
                inputmode="numeric"
                aria-describedby="skip-rows-hint"
                aria-invalid=move || problem.get().is_some().then_some("true")
                prop:value=move || flow.skip_rows.get().to_string()
                on:input=on_input
            />
            <p id="skip-rows-hint" class="hint">
                "The first N rows are ignored; row N + 1 is the header."
            </p>
            {move || problem.get().map(|text| view! { <p class="field-error">{text}</p> })}
        </div>
    }
}

/// Renders the select of the type of profiles that the import creates.
#[component]
fn PersonTypeSelect() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let on_change = move |event: leptos::ev::Event| {
        let person_type = match event_target_value(&event).as_str() {
            "customer" => PersonType::Customer,
            _ => PersonType::Lead,
        };
        flow.person_type.set(person_type);
    };
    view! {
        <div class="field">
            <label for="person-type">"Person type"</label>
            <select id="person-type" aria-describedby="person-type-hint" on:change=on_change>
                {[PersonType::Lead, PersonType::Customer]
                    .into_iter()
                    .map(|person_type| {
                        view! {
                            <option
                                value=person_type.key()
                                prop:selected=move || flow.person_type.get() == person_type
                            >
                                {person_type_label(person_type)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p id="person-type-hint" class="hint">
                "Applies to new profiles only; profiles that already exist keep their type."
            </p>
        </div>
    }
}

/// Renders the worksheet select for workbooks with more than one sheet.
#[component]
fn SheetSelect() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let sheets = move || {
        flow.preview.with(|preview| {
            preview
                .as_ref()
                .map(|preview| preview.info.sheets.clone())
                .unwrap_or_default()
        })
    };
    let read_sheet = move || {
        flow.preview.with(|preview| {
            preview
                .as_ref()
                .and_then(|preview| preview.info.sheet.clone())
        })
    };
    let on_change = move |event: leptos::ev::Event| {
        flow.sheet.set(Some(event_target_value(&event)));
        flow.refresh_preview();
    };
    view! {
        <Show when=move || { sheets().len() > 1 }>
            <div class="field">
                <label for="sheet">"Worksheet"</label>
                <select id="sheet" on:change=on_change>
                    {move || {
                        sheets()
                            .into_iter()
                            .map(|sheet| {
                                let name = sheet.name.clone();
                                let selected = read_sheet() == Some(name.clone());
                                let label = if sheet.hidden {
                                    format!("{} (hidden)", sheet.name)
                                } else {
                                    sheet.name.clone()
                                };
                                view! {
                                    <option value=name prop:selected=selected>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        </Show>
    }
}

/// Delimiters that the delimiter select offers, with their labels.
const DELIMITERS: [(char, &str); 5] = [
    (',', "Comma (,)"),
    (';', "Semicolon (;)"),
    ('\t', "Tab"),
    ('|', "Vertical bar (|)"),
    (' ', "Space"),
];

/// WHATWG labels of the encodings that the encoding select offers.
const ENCODINGS: [&str; 13] = [
    "UTF-8",
    "UTF-16LE",
    "UTF-16BE",
    "windows-1252",
    "windows-1250",
    "windows-1251",
    "ISO-8859-2",
    "ISO-8859-15",
    "KOI8-R",
    "Shift_JIS",
    "EUC-KR",
    "GBK",
    "Big5",
];

/// Renders the delimiter and encoding selects, shown for text files.
#[component]
fn TextReadSelects() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let is_text = move || {
        flow.preview.with(|preview| {
            preview.as_ref().is_some_and(|preview| {
                matches!(preview.info.format, FileFormat::Csv | FileFormat::Txt)
            })
        })
    };
    let on_delimiter = move |event: leptos::ev::Event| {
        flow.delimiter
            .set(event_target_value(&event).chars().next());
        flow.refresh_preview();
    };
    let on_encoding = move |event: leptos::ev::Event| {
        let label = event_target_value(&event);
        flow.encoding
            .set(Some(label).filter(|label| !label.is_empty()));
        flow.refresh_preview();
    };
    view! {
        <Show when=is_text>
            <div class="field">
                <label for="delimiter">"Delimiter"</label>
                <select id="delimiter" on:change=on_delimiter>
                    <option value="" prop:selected=move || flow.delimiter.get().is_none()>
                        "Detect"
                    </option>
                    {DELIMITERS
                        .into_iter()
                        .map(|(delimiter, label)| {
                            view! {
                                <option
                                    value=delimiter.to_string()
                                    prop:selected=move || flow.delimiter.get() == Some(delimiter)
                                >
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="encoding">"Encoding"</label>
                <select id="encoding" on:change=on_encoding>
                    <option value="" prop:selected=move || flow.encoding.get().is_none()>
                        "Detect"
                    </option>
                    {ENCODINGS
                        .into_iter()
                        .map(|label| {
                            view! {
                                <option
                                    value=label
                                    prop:selected=move || flow.encoding.get().as_deref() == Some(label)
                                >
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </Show>
    }
}

/// Renders the first rows of the file under its header.
#[component]
fn PreviewTable(
    /// The preview to show.
    preview: Preview,
) -> impl IntoView {
    let Preview {
        headers,
        header_row,
        data_rows,
        rows,
        info,
        suggestions: _,
    } = preview;
    let shown = rows.len();
    view! {
        <div class="preview">
            <p class="source">
                {describe_source(&info)} ". Header in row " {header_row} ", " {data_rows}
                " rows below it."
            </p>
            <ul class="warnings">
                {info
                    .warnings
                    .into_iter()
                    .map(|warning| view! { <li>{warning.message}</li> })
                    .collect_view()}
            </ul>
            <TableScroll label="File preview">
                <table>
                    <caption>"Preview of the first " {shown} " rows"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Row"</th>
                            {headers
                                .into_iter()
                                .map(|header| view! { <th scope="col">{header}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr>
                                        <th scope="row">{row.row}</th>
                                        {row
                                            .cells
                                            .into_iter()
                                            .map(|cell| view! { <td>{cell}</td> })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </div>
    }
}
