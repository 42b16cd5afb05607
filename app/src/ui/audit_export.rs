//! "Export CSV" in the Audit log: every entry that matches the filter, fetched page by page,
//! saved as a CSV file. Cells that a spreadsheet would run as a formula are defused.

use super::format::date_time;
use super::submit::Submit;
use crate::api::audit::{list_audit, AuditEntry, AuditNarrow, AUDIT_PAGE};
use crate::api::AppError;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The button, saving the file when every page has arrived; a failure shows in `error`.
#[component]
pub fn ExportCsv(filter: RwSignal<String>, narrow: RwSignal<AuditNarrow>, error: RwSignal<Option<String>>) -> impl IntoView {
    let export = Submit::handled(
        |(text, narrowed): &(String, AuditNarrow)| all_matching(text.clone(), narrowed.clone()),
        move |all: Vec<AuditEntry>| {
            let today = js_sys::Date::new_0();
            let name =
                format!("mailroom-audit-{:04}-{:02}-{:02}.csv", today.get_full_year(), today.get_month() + 1, today.get_date());
            if let Err(why) = download(&name, &csv(&all)) {
                error.set(Some(format!("The export failed: {why}.")));
            }
        },
        move |e| error.set(Some(e.to_string())),
    );
    let pending = export.pending();
    view! {
        <p>
            <button type="button" on:click=move |_| export.send((filter.get_untracked(), narrow.get_untracked())) disabled=pending>
                {move || if pending.get() { "Exporting…" } else { "Export CSV" }}
            </button>
            <span class="hint">" Every entry matching the filter and choices, as a spreadsheet file."</span>
        </p>
    }
}

/// One CSV field: quoted, quotes doubled, and a leading = + - @ (or tab, CR) made inert with
/// an apostrophe, so opening the file never runs what someone typed.
pub fn field(text: &str) -> String {
    let inert = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", inert.replace('"', "\"\""))
}

pub fn csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("Time,Who,Action,What,Details,From\r\n");
    for e in entries {
        let cells = [date_time(e.at), e.actor.clone(), e.action.clone(), e.target.clone(), e.details.clone(), e.client.clone()];
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Every matching entry, newest first.
pub async fn all_matching(filter: String, narrow: AuditNarrow) -> Result<Vec<AuditEntry>, AppError> {
    let mut all: Vec<AuditEntry> = Vec::new();
    loop {
        let page = list_audit(filter.clone(), all.last().map(|e| e.id), Some(narrow.clone())).await?;
        let full = page.len() == AUDIT_PAGE;
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}

/// Offers `text` to the browser as a download named `name`.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "could not make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "could not make the file")?;
    let link = leptos::prelude::document()
        .create_element("a")
        .map_err(|_| "could not make the link")?
        .unchecked_into::<web_sys::HtmlAnchorElement>();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "\"plain\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1+2"), "\"'-1+2\"");
        assert_eq!(field("a,b\nc"), "\"a,b\nc\"");
    }
}
