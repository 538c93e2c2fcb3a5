//! The test harness: a real server on a random port with a fresh database, and a cookie-aware client.

use std::future::Future;
use std::sync::Arc;

use reqwest::redirect::Policy;
use store::test_support::TestDatabase;
use store::{Backend, Store};

/// A running server and what a test needs to talk to it and to its database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The server's store (for state-based assertions).
    pub store: Store,
    /// The database URL (to start a second server on the same database).
    pub database_url: String,
    /// The server's stop flag (what Ctrl-C or SIGTERM sets).
    pub stopping: web::Stopping,
}

/// Starts a server on `database_url` and returns its address. Every server of one test database shares one server
/// secret (derived from the database's URL), as the instances of one site share their secret file.
pub async fn start_server(database_url: &str) -> (String, Store, web::Stopping) {
    use sha2::Digest;
    let config = web::Config {
        secret: store::secret::ServerSecret::from_bytes(
            sha2::Sha256::digest(database_url.as_bytes()).into(),
        ),
        ..web::Config::default()
    };
    start_server_with(database_url, config).await
}

/// Starts a server with `config` on `database_url` and returns its address.
pub async fn start_server_with(
    database_url: &str,
    config: web::Config,
) -> (String, Store, web::Stopping) {
    let store = Store::connect(database_url)
        .await
        .expect("connect and migrate");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = web::AppState {
        store: store.clone(),
        config: Arc::new(config),
        stopping: web::Stopping::default(),
    };
    let stopping = state.stopping.clone();
    let app = web::app(state);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    (address, store, stopping)
}

/// Runs `scenario` against a fresh server with demo data, then drops the database.
pub async fn run<F, Fut>(backend: Backend, scenario: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let database = TestDatabase::create(backend).await;
    let (address, store, stopping) = start_server(&database.url).await;
    web::demo::seed(&store).await.expect("seed demo data");
    scenario(TestApp {
        address,
        store: store.clone(),
        database_url: database.url.clone(),
        stopping,
    })
    .await;
    store.close().await;
    let _ = std::fs::remove_file(message_log_of(&database.url).path());
    database.drop_database().await;
}

/// A browser-like client that connects from another loopback address (another person's machine).
pub fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .local_address(address.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// A browser-like client: keeps cookies, does not follow redirects (tests assert them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The value of the first `csrf_token` hidden field of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no csrf_token in page:\n{html}"));
    html[start..].split('"').next().unwrap().to_owned()
}

impl TestApp {
    /// `address + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// GETs a page and returns (status, body).
    pub async fn get(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client.get(self.url(path)).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// A fresh CSRF token for `client` (read from a page).
    pub async fn csrf(&self, client: &reqwest::Client) -> String {
        let (_, html) = self.get(client, "/login").await;
        csrf_of(&html)
    }

    /// POSTs a form with the client's CSRF token added; returns the response.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(client).await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Signs `client` in; panics unless it worked.
    pub async fn login(&self, client: &reqwest::Client, email: &str, password: &str) {
        let response = self
            .post_form(
                client,
                "/login",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "login of {email} failed: {}",
            response.text().await.unwrap()
        );
        assert_eq!(location(&response), "/staff");
    }

    /// A signed-in client for a demo role (`admin`, `organiser`, ...).
    pub async fn demo_client(&self, role: &str) -> reqwest::Client {
        let login = web::demo::DEMO_LOGINS
            .iter()
            .find(|login| login.role == role)
            .expect("demo role");
        let client = client();
        self.login(&client, login.email, login.password).await;
        client
    }

    /// The id of the demo climate assembly.
    pub async fn climate_id(&self) -> i64 {
        store::test_support::count_raw(
            &self.store,
            "SELECT id FROM assemblies WHERE title = 'Citizens'' Convention for Climate'",
        )
        .await
        .unwrap()
    }

    /// `SELECT COUNT(*) FROM <table>`.
    pub async fn count(&self, table: &str) -> i64 {
        store::test_support::count_raw(&self.store, &format!("SELECT COUNT(*) FROM {table}"))
            .await
            .unwrap()
    }

    /// Creates an API token for a demo account directly in the store and returns the secret.
    pub async fn token_for(&self, role: &str) -> String {
        let login = web::demo::DEMO_LOGINS
            .iter()
            .find(|login| login.role == role)
            .expect("demo role");
        let mut connection = self.store.connection().await.unwrap();
        let account = store::accounts::account_by_email(&mut connection, login.email)
            .await
            .unwrap()
            .unwrap();
        let secret = format!("klero_test_{role}_{}", account.id);
        store::auth::create_api_token(
            &mut connection,
            account.id,
            "test",
            &web::security::token_hash(&secret),
            0,
            i64::MAX,
        )
        .await
        .unwrap();
        secret
    }

    /// The development message log of this test database: where [`TestApp::deliver_codes`] writes members' codes.
    pub fn message_log(&self) -> web::mail::MessageLog {
        message_log_of(&self.database_url)
    }

    /// Runs the code deliverer once, as an instance of `klero serve` does every few seconds, with the development
    /// message log as its transport; returns how many deliveries it made.
    pub async fn deliver_codes(&self) -> usize {
        let config = web::Config {
            message_log: Some(self.message_log()),
            ..web::Config::default()
        };
        web::delivery::drain(&self.store, &config)
            .await
            .expect("deliver codes")
    }

    /// Delivers due codes, then returns the code of the last message sent to `to` (an address or phone number).
    pub async fn code_sent_to(&self, to: &str) -> String {
        self.deliver_codes().await;
        let message = self
            .message_log()
            .read()
            .into_iter()
            .rev()
            .find(|message| message.to == to)
            .unwrap_or_else(|| panic!("no message was sent to {to}"));
        code_in(&message.body).unwrap_or_else(|| panic!("no code in the message to {to}"))
    }
}

/// The development message log of the servers of one test database (a file in the temporary directory named
/// after the database, so that every server of the test shares it and tests never share one).
pub fn message_log_of(database_url: &str) -> web::mail::MessageLog {
    use sha2::Digest;
    let name = hex::encode(&sha2::Sha256::digest(database_url.as_bytes())[..12]);
    web::mail::MessageLog::new(std::env::temp_dir().join(format!("klero-messages-{name}.jsonl")))
}

/// The first sign-in code (`XXXX-XXXX-XXXX`, Crockford alphabet) in a text.
pub fn code_in(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .find(|word| {
            word.len() == 14
                && word.chars().enumerate().all(|(i, c)| {
                    if i == 4 || i == 9 {
                        c == '-'
                    } else {
                        c.is_ascii_digit() || c.is_ascii_uppercase()
                    }
                })
        })
        .map(str::to_owned)
}

/// The `Location` header of a response.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}
