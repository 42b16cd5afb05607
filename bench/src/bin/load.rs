//! HTTP load for `make bench`: keeps N connections busy with one request each at a time, for
//! a number of seconds or requests, and prints the rate and the latency percentiles as JSON.
//!
//!     load <url> [--connections N] [--seconds S | --requests R] [--header 'name: value']...
//!          [--body TEXT] [--expect STATUS]
//!
//! `{n}` in the body becomes a number unique to each request (for names that must differ).
//! Any other status than the expected one (200 unless given) stops the run with an error.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Plan {
    url: String,
    connections: usize,
    seconds: Option<f64>,
    requests: Option<u64>,
    headers: Vec<(String, String)>,
    body: String,
    expect: u16,
}

fn plan() -> Result<Plan, String> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: load <url> [options]")?;
    let mut plan =
        Plan { url, connections: 16, seconds: None, requests: None, headers: Vec::new(), body: "{}".into(), expect: 200 };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<f64>().map_err(|_| format!("{flag}: {v} is not a number"));
        match flag.as_str() {
            "--connections" => plan.connections = number(&value)? as usize,
            "--seconds" => plan.seconds = Some(number(&value)?),
            "--requests" => plan.requests = Some(number(&value)? as u64),
            "--body" => plan.body = value,
            "--expect" => plan.expect = number(&value)? as u16,
            "--header" => {
                let (name, v) = value.split_once(':').ok_or_else(|| format!("--header {value}: expected 'name: value'"))?;
                plan.headers.push((name.trim().to_owned(), v.trim().to_owned()));
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if plan.seconds.is_none() && plan.requests.is_none() {
        plan.seconds = Some(10.0);
    }
    Ok(plan)
}

#[tokio::main]
async fn main() {
    let plan = Arc::new(plan().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    }));
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = plan.seconds.map(|s| start + Duration::from_secs_f64(s));
    let mut tasks = Vec::new();
    for _ in 0..plan.connections {
        let (plan, next) = (plan.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            // One client per task: one kept-alive connection each.
            let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if plan.requests.is_some_and(|r| n >= r) || deadline.is_some_and(|d| Instant::now() >= d) {
                    return Ok(latencies);
                }
                let mut request = client.post(&plan.url).header("content-type", "application/json");
                for (name, value) in &plan.headers {
                    request = request.header(name, value);
                }
                let sent = Instant::now();
                let response = request.body(plan.body.replace("{n}", &n.to_string())).send().await.map_err(|e| e.to_string())?;
                let status = response.status().as_u16();
                let body = response.bytes().await.map_err(|e| e.to_string())?;
                if status != plan.expect {
                    return Err(format!("request {n}: status {status}: {}", String::from_utf8_lossy(&body)));
                }
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        match task.await.expect("load task") {
            Ok(mine) => latencies.extend(mine),
            Err(e) => {
                eprintln!("load: {e}");
                std::process::exit(1);
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| latencies.get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)));
    let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    println!(
        "{{\"requests\": {}, \"seconds\": {elapsed:.2}, \"per_second\": {:.0}, \"p50_ms\": {:.1}, \"p99_ms\": {:.1}}}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        ms(at(0.5)),
        ms(at(0.99)),
    );
}
