//! Recruitment through the running web app, measured from outside like a user would meet it (issue 4):
//!
//! 1. an organiser uploads an address list (a CSV file, `multipart/form-data`) and draws invitations;
//! 2. the public registration endpoint under load: residents register with the invitation codes of that draw,
//!    from many loopback source addresses at once (the form allows 30 registrations per address and hour);
//! 3. a full selection run for a pool of respondents uploaded as a file, with quotas on seven features,
//!    from the request that starts it to the run page saying `done`, read every half second, with the longest
//!    time its progress percentage did not advance; `RUNS=5` makes five test runs of each algorithm (each with
//!    fresh public ids) and prints their minimum, median and maximum. `ADDRESSES` 0 skips parts 1 and 2.
//!
//! It talks to a `klero serve --demo` that is already running (see `bench/recruitment/run.sh`, which starts one on
//! SQLite and one on PostgreSQL) and reads the server's peak memory from `/proc/PID/status`.
//!
//! `cargo run --release -p web --example recruitment_bench -- BASE_URL SERVER_PID [ADDRESSES] [INVITATIONS]
//!  [REGISTRATIONS] [CONCURRENCY] [POOL] [PANEL]`

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const ADMIN: (&str, &str) = ("admin@demo.kleroterion.org", "demo-admin-password");
const BOUNDARY: &str = "----KleroBenchBoundary9f3a";

fn peak_memory_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
}

/// The server's CPU time so far (user and system, from `/proc/PID/stat`), in seconds: on a shared machine the wall
/// time of a run says little without it.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn csrf_of(html: &str) -> Result<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).context("no csrf_token on the page")? + marker.len();
    Ok(html[start..].split('"').next().unwrap_or("").to_owned())
}

fn value_of(html: &str, name: &str) -> Result<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .with_context(|| format!("no {name} on the page"))?
        + marker.len();
    Ok(html[start..].split('"').next().unwrap_or("").to_owned())
}

struct Staff {
    base: String,
    client: reqwest::Client,
}

impl Staff {
    async fn sign_in(base: &str) -> Result<Staff> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let staff = Staff {
            base: base.to_owned(),
            client,
        };
        let response = staff
            .post_form("/login", &[("email", ADMIN.0), ("password", ADMIN.1)])
            .await?;
        if response.status().as_u16() != 303 {
            bail!("sign-in failed: {}", response.status());
        }
        Ok(staff)
    }

    async fn token(&self) -> Result<String> {
        let html = self
            .client
            .get(format!("{}/login", self.base))
            .send()
            .await?
            .text()
            .await?;
        csrf_of(&html)
    }

    async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Result<reqwest::Response> {
        let token = self.token().await?;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        Ok(self
            .client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await?)
    }

    async fn post_file(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        data: &[u8],
    ) -> Result<reqwest::Response> {
        let token = self.token().await?;
        let mut body = Vec::with_capacity(data.len() + 1024);
        for (name, value) in [("csrf_token", token.as_str())].iter().chain(fields) {
            body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"data.csv\"\r\nContent-Type: text/csv\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        Ok(self
            .client
            .post(format!("{}{path}", self.base))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
            .await?)
    }

    async fn get(&self, path: &str) -> Result<String> {
        Ok(self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await?
            .text()
            .await?)
    }

    async fn new_assembly(&self, title: &str) -> Result<i64> {
        let response = self
            .post_form(
                "/staff/assemblies",
                &[
                    ("title", title),
                    ("question", "How should the region adapt to heat waves?"),
                    ("authority", "Regional Council"),
                    ("commitments", "Publish the selection files"),
                    ("current_phase", "recruitment"),
                    ("start_design", ""),
                    ("end_design", ""),
                    ("start_recruitment", ""),
                    ("end_recruitment", ""),
                ],
            )
            .await?;
        let location = response
            .headers()
            .get("location")
            .context("no redirect after creating the assembly")?
            .to_str()?
            .to_owned();
        let path = location.split('?').next().unwrap_or("");
        path.rsplit('/')
            .next()
            .unwrap_or("")
            .parse()
            .with_context(|| format!("assembly id in {location}"))
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// Seven features with 3 to 5 values each, a pool skewed against the population shares.
const FEATURES: [(&str, &[&str], &[u32]); 7] = [
    ("gender", &["woman", "man", "other"], &[50, 48, 2]),
    (
        "age_band",
        &["16-29", "30-44", "45-59", "60-74", "75+"],
        &[22, 25, 24, 19, 10],
    ),
    (
        "region",
        &["north", "south", "east", "west"],
        &[25, 25, 25, 25],
    ),
    (
        "education",
        &["none", "secondary", "vocational", "degree"],
        &[15, 35, 25, 25],
    ),
    ("tenure", &["owner", "renter", "social"], &[55, 30, 15]),
    ("urbanity", &["city", "town", "rural"], &[40, 35, 25]),
    ("concern", &["very", "fairly", "not"], &[40, 40, 20]),
];

/// A deterministic pseudo-random stream for the pool (xorshift; only the benchmark's own data).
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A value index drawn by the weights, tilted towards the first value (volunteers are not the population).
    fn pick(&mut self, weights: &[u32]) -> usize {
        let tilted: Vec<u64> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| u64::from(*w) * if i == 0 { 3 } else { 2 })
            .collect();
        let total: u64 = tilted.iter().sum();
        let mut roll = self.next() % total;
        for (index, weight) in tilted.iter().enumerate() {
            if roll < *weight {
                return index;
            }
            roll -= weight;
        }
        tilted.len() - 1
    }
}

fn pool_csv(people: usize) -> String {
    let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
    let mut out = String::from("full_name,email,phone");
    for (name, _, _) in FEATURES {
        out.push(',');
        out.push_str(name);
    }
    out.push('\n');
    for i in 0..people {
        out.push_str(&format!("Bench Person {i},bench{i}@example.org,"));
        for (_, values, weights) in FEATURES {
            out.push(',');
            out.push_str(values[random.pick(weights)]);
        }
        out.push('\n');
    }
    out
}

/// An address list in the lottery's format (`id,address,area`), `areas` areas of uneven sizes, all distinct.
fn address_csv(rows: usize, areas: usize) -> String {
    let mut random = Xorshift(0x2545_F491_4F6C_DD1D);
    let streets = [
        "Mill Lane",
        "Station Road",
        "Church Street",
        "Park Avenue",
        "High Street",
        "Quarry Way",
        "Orchard Close",
    ];
    let mut out = String::from("id,address,area\n");
    for i in 0..rows {
        // Area a is about a + 1 times as likely as area 0.
        let mut roll = random.next() % (areas * (areas + 1) / 2) as u64;
        let mut area = 0;
        while roll >= (area + 1) as u64 {
            roll -= (area + 1) as u64;
            area += 1;
        }
        let street = streets[i % streets.len()];
        out.push_str(&format!(
            "h{i},\"{} {street}, Flat {}, Town {area}\",Area {area:02}\n",
            i / streets.len() + 1,
            i % 3 + 1
        ));
    }
    out
}

fn quota_lines() -> String {
    let mut lines = String::new();
    for (name, values, shares) in FEATURES {
        for (value, share) in values.iter().zip(shares.iter()) {
            lines.push_str(&format!("{name},{value},{share}\n"));
        }
    }
    lines
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        bail!(
            "usage: recruitment_bench BASE_URL SERVER_PID [ADDRESSES] [INVITATIONS] [REGISTRATIONS] [CONCURRENCY] [POOL] [PANEL]"
        );
    }
    let base = args[1].trim_end_matches('/').to_owned();
    let pid: u32 = args[2].parse().context("SERVER_PID")?;
    let number = |index: usize, default: usize| -> Result<usize> {
        args.get(index)
            .map(|raw| raw.parse().with_context(|| format!("argument {index}")))
            .unwrap_or(Ok(default))
    };
    let addresses = number(3, 100_000)?;
    let invitations = number(4, 10_000)?;
    let registrations = number(5, 3_000)?;
    let concurrency = number(6, 32)?;
    let pool = number(7, 2_000)?;
    let panel = number(8, 100)?;
    let staff = Staff::sign_in(&base).await?;
    println!(
        "server memory at start (peak so far): {} kB",
        peak_memory_kb(pid).unwrap_or(0)
    );

    if addresses > 0 {
        invitations_and_registrations(
            &staff,
            &base,
            pid,
            addresses,
            invitations,
            registrations,
            concurrency,
        )
        .await?;
    }
    selection_of_a_pool(&staff, pid, pool, panel).await
}

/// Parts 1 and 2: the address list, the draw, and registrations under load.
async fn invitations_and_registrations(
    staff: &Staff,
    base: &str,
    pid: u32,
    addresses: usize,
    invitations: usize,
    registrations: usize,
    concurrency: usize,
) -> Result<()> {
    // 1. Address list upload and the draw.
    let assembly = staff
        .new_assembly("Benchmark: invitations and registration")
        .await?;
    let list = address_csv(addresses, 40);
    let started = Instant::now();
    let response = staff
        .post_file(
            &format!("/staff/assemblies/{assembly}/invitations"),
            &[
                ("addresses", ""),
                ("invitations", &invitations.to_string()),
                ("seed", "benchmark draw"),
                ("weights", ""),
                ("household_capacity", "1"),
            ],
            "addresses_file",
            list.as_bytes(),
        )
        .await?;
    let upload_time = started.elapsed();
    if response.status().as_u16() != 303 {
        bail!(
            "the draw failed: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
    }
    println!(
        "| upload {addresses} addresses ({:.1} MB) and draw {invitations} invitations | {} | server peak memory {} MB |",
        list.len() as f64 / 1e6,
        ms(upload_time),
        peak_memory_kb(pid).unwrap_or(0) / 1024
    );

    // 2. Registrations under load, with the codes of the draw.
    let merge = staff
        .get(&format!(
            "/staff/assemblies/{assembly}/invitations/mail-merge.csv"
        ))
        .await?;
    let mut reader = csv::Reader::from_reader(merge.as_bytes());
    let code_column = reader
        .headers()?
        .iter()
        .position(|h| h == "code")
        .context("no code column in the mail merge")?;
    let mut codes = Vec::new();
    for record in reader.records() {
        codes.push(record?.get(code_column).unwrap_or("").to_owned());
    }
    if codes.len() < registrations {
        bail!("{} codes for {registrations} registrations", codes.len());
    }
    // Each registration spends its form's timing token, as a person fills in a form of their own: one form each,
    // fetched before the clock starts.
    let mut form_tokens = Vec::with_capacity(registrations);
    for _ in 0..registrations {
        let page = reqwest::get(format!("{base}/assemblies/{assembly}/register"))
            .await?
            .text()
            .await?;
        form_tokens.push(value_of(&page, "form_token")?);
    }
    let form_tokens = Arc::new(form_tokens);
    // The double-submit CSRF token of a page: the server signs it, so every load client may send it back as
    // cookie and field (a made-up value is refused).
    let page = reqwest::get(format!("{base}/assemblies/{assembly}/register"))
        .await?
        .text()
        .await?;
    let csrf = value_of(&page, "csrf_token")?;
    // The form refuses answers sent within 3 seconds of rendering (a person cannot type that fast).
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    // 30 registrations per source address and hour: one client per loopback address 127.0.1.x, 127.0.2.x, ...
    let per_address = 25;
    let clients: Vec<reqwest::Client> = (0..registrations.div_ceil(per_address))
        .map(|i| {
            let ip = Ipv4Addr::new(127, 1 + (i / 250) as u8, 1 + (i % 250) as u8, 1);
            reqwest::Client::builder()
                .local_address(IpAddr::V4(ip))
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(4)
                .build()
        })
        .collect::<Result<_, _>>()?;
    let jobs: Arc<Vec<(usize, String)>> =
        Arc::new(codes.into_iter().take(registrations).enumerate().collect());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let clients = Arc::new(clients);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (jobs, next, clients, base, form_tokens, csrf) = (
            jobs.clone(),
            next.clone(),
            clients.clone(),
            base.to_owned(),
            form_tokens.clone(),
            csrf.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures: Vec<String> = Vec::new();
            loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((i, code)) = jobs.get(index) else {
                    break;
                };
                let client = &clients[i / per_address];
                let email = format!("resident{i}@example.org");
                let name = format!("Resident {i}");
                let form = [
                    ("csrf_token", csrf.as_str()),
                    ("form_token", form_tokens[*i].as_str()),
                    ("website", ""),
                    ("invitation_code", code.as_str()),
                    ("full_name", name.as_str()),
                    ("email", email.as_str()),
                    ("phone", ""),
                    ("gender", ["woman", "man"][i % 2]),
                    (
                        "age_band",
                        ["16-29", "30-44", "45-59", "60-74", "75+"][i % 5],
                    ),
                    ("access_details", ""),
                    ("consent", "1"),
                ];
                let sent = Instant::now();
                let response = client
                    .post(format!("{base}/assemblies/{assembly}/register"))
                    .header("cookie", format!("klero_csrf={csrf}"))
                    .form(&form)
                    .send()
                    .await;
                latencies.push(sent.elapsed());
                match response {
                    Ok(response) if response.status().as_u16() == 303 => {}
                    Ok(response) => failures.push(response.status().to_string()),
                    Err(error) => failures.push(error.to_string()),
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for worker in workers {
        let (l, f) = worker.await?;
        latencies.extend(l);
        failures.extend(f);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "| {registrations} registrations, {concurrency} at a time | {:.0} requests/s | p50 {} | p99 {} | max {} | {} not registered |",
        registrations as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap_or(&Duration::ZERO)),
        failures.len()
    );
    if let Some(first) = failures.first() {
        println!("first failure: {first}");
    }
    Ok(())
}

/// Part 3: test runs for a pool uploaded as a file (`RUNS` of each algorithm, default 1).
async fn selection_of_a_pool(staff: &Staff, pid: u32, pool: usize, panel: usize) -> Result<()> {
    // 3. A selection run for a pool uploaded as a file.
    let assembly = staff.new_assembly("Benchmark: selection of a pool").await?;
    let quotas = format!("/staff/assemblies/{assembly}/quotas");
    let panel_text = panel.to_string();
    let lines = quota_lines();
    let response = staff
        .post_form(
            &quotas,
            &[
                ("panel_size", &panel_text),
                ("seed_source", "benchmark"),
                ("quotas", &lines),
                ("action", "propose"),
            ],
        )
        .await?;
    let proposed_page = response.text().await?;
    let start = proposed_page
        .find("id=\"quotas\"")
        .context("no quotas field after propose")?;
    let text_start = proposed_page[start..].find('>').context("quotas field")? + start + 1;
    let text_end = proposed_page[text_start..]
        .find("</textarea>")
        .context("quotas field end")?
        + text_start;
    let proposed = proposed_page[text_start..text_end]
        .replace("&#x2c;", ",")
        .replace("&#44;", ",");
    let response = staff
        .post_form(
            &quotas,
            &[
                ("panel_size", &panel_text),
                ("seed_source", "benchmark"),
                ("quotas", &proposed),
                ("action", "save"),
            ],
        )
        .await?;
    if response.status().as_u16() != 303 {
        bail!(
            "saving the quotas failed: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
    }
    let people = pool_csv(pool);
    let started = Instant::now();
    let response = staff
        .post_file(
            &format!("/staff/assemblies/{assembly}/respondents/import"),
            &[("csv", ""), ("consent", "yes")],
            "csv_file",
            people.as_bytes(),
        )
        .await?;
    if response.status().as_u16() != 303 {
        bail!(
            "the import failed: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
    }
    println!(
        "| upload {pool} respondents with 7 features ({:.0} kB) | {} |",
        people.len() as f64 / 1e3,
        ms(started.elapsed())
    );
    let started = Instant::now();
    let page = staff.get(&quotas).await?;
    let feasible = if page.contains("id=\"feasibility\"") {
        "shown"
    } else {
        "missing"
    };
    println!(
        "| quota editor with the live feasibility check ({feasible}), pool {pool} | {} |",
        ms(started.elapsed())
    );
    let runs = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize);
    for algorithm in ["maximin", "leximin"] {
        let mut times = Vec::new();
        let mut longest_stall = Duration::ZERO;
        for number in 1..=runs {
            // Each test run anonymises the pool afresh: new random public ids, so a new order of the people.
            let cpu = cpu_seconds(pid);
            let (time, status, stall) = test_run(staff, assembly, algorithm).await?;
            println!(
                "| test run {number}, {algorithm}, pool {pool}, panel {panel}, 7 features | {} from the request to `{status}` | server CPU {:.1} s | longest stall of the progress {:.1} s | server peak memory {} MB |",
                ms(time),
                cpu_seconds(pid) - cpu,
                stall.as_secs_f64(),
                peak_memory_kb(pid).unwrap_or(0) / 1024
            );
            times.push(time);
            longest_stall = longest_stall.max(stall);
        }
        times.sort();
        println!(
            "| {runs} test runs, {algorithm} | min {} | median {} | max {} | longest stall {:.1} s |",
            ms(times[0]),
            ms(percentile(&times, 0.5)),
            ms(times[times.len() - 1]),
            longest_stall.as_secs_f64()
        );
    }
    Ok(())
}

/// The percentage at the end of the run page's progress line ("face walk: step 57 of about 140 (41%)").
fn percent_of(page: &str) -> Option<u32> {
    let line = page
        .split("id=\"run-progress\">")
        .nth(1)?
        .split('<')
        .next()?;
    let inside = line.rsplit('(').next()?;
    inside.split('%').next()?.trim().parse().ok()
}

/// One test run from the request to its end, reading the run page every half second like an organiser's browser
/// would: the time to the end, the final status, and the longest time the progress percentage did not advance
/// (from the request to the first percentage, between two advances, and from the last advance to the end).
async fn test_run(
    staff: &Staff,
    assembly: i64,
    algorithm: &str,
) -> Result<(Duration, String, Duration)> {
    let started = Instant::now();
    let response = staff
        .post_form(
            &format!("/staff/assemblies/{assembly}/selection/test-runs"),
            &[("algorithm", algorithm)],
        )
        .await?;
    let run_path = response
        .headers()
        .get("location")
        .context("no run page")?
        .to_str()?
        .to_owned();
    let limit = Duration::from_secs(
        std::env::var("RUN_LIMIT_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(900),
    );
    let mut percent = None;
    let mut advanced = Duration::ZERO;
    let mut stall = Duration::ZERO;
    let status = loop {
        let page = staff.get(&run_path).await?;
        let now = started.elapsed();
        let status = page
            .split("id=\"run-status\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or("")
            .trim()
            .to_owned();
        let seen = percent_of(&page);
        if status != "running" && status != "queued" {
            stall = stall.max(now - advanced);
            break status;
        }
        if seen.is_some() && seen > percent {
            stall = stall.max(now - advanced);
            advanced = now;
            percent = seen;
        }
        if now > limit {
            // Cancel it (the next run could not start while it runs) and wait until it has stopped.
            staff.post_form(&format!("{run_path}/cancel"), &[]).await?;
            let asked = Instant::now();
            while staff
                .get(&run_path)
                .await?
                .contains("id=\"run-status\">running<")
            {
                if asked.elapsed() > Duration::from_secs(60) {
                    bail!("the run did not stop within 60 s of its cancel");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            break format!(
                "still running after {} s (cancelled; it stopped {:.1} s after the cancel)",
                limit.as_secs(),
                asked.elapsed().as_secs_f64()
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    Ok((started.elapsed(), status, stall))
}
