//! Signing in and out: staff with a password ([`login`]), members with a one-time code ([`code`]), the first-run
//! page that creates the platform's first administrator ([`setup`]), signing out ([`logout`]), and changing or
//! resetting a password ([`password`]).
//!
//! Every attempt to sign in is counted before its secret is checked ([`throttle`]), and a success opens a session
//! kept in the database ([`session`]); neither is audited (they record no change a person made to the assembly's
//! data), so they stay plain store calls. The accounts created here go through `app::accounts`, audited.

pub mod code;
pub mod forms;
// Accepting a staff invitation (issue 18, item 3).
pub mod join;
pub mod login;
pub mod logout;
pub mod password;
// Members asking for a new sign-in code themselves (issue 18, item 2).
pub mod renew;
pub mod session;
pub mod setup;
pub mod throttle;
pub mod views;

pub use code::{code_form, code_login};
pub use join::{join, join_form};
pub use login::{login, login_form};
pub use logout::logout;
pub use password::{change_password, password_form, reset_form, reset_password};
pub use renew::{new_code_form, request_new_code};
pub use setup::{create_administrator, setup, setup_form};
