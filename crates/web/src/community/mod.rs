//! Community assemblies (issue 16, item 2): anyone hosts a small assembly on the same question with the same
//! kit and sends its outcomes back; organisers moderate; accepted outcomes are public and counted in the
//! assembly's evidence. Pages by group: [`staff`] (the phase and moderation), [`host`] (registration, the key,
//! outcomes, withdrawal), [`kit`] (printable materials), [`public`] (the list and the API).

pub mod forms;
pub mod host;
pub mod kit;
pub mod photos;
pub mod public;
pub mod staff;
pub mod views;

pub use host::{edit_outcome, host_page, register, submit_outcome, use_key, withdraw};
pub use kit::kit;
pub use photos::{add_photo, photo, remove_photo};
pub use public::{api_outcomes, public_list};
pub use staff::{moderate, save_phase, staff_page};
