//! What a use case asks its caller to do once the transaction has committed.
//!
//! Effects are plain data. The caller (a `web` handler, a CLI command, a test) commits first and only then carries
//! them out, so an email is never sent and a job never started for a change that rolled back, and nothing has to
//! poll the database to learn whether the caller committed.

/// One thing to do after commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Send an email through the outbox (worded by `web` in the recipient's language).
    Mail(Mail),
    /// Start a background job.
    Start(Job),
}

/// An email to send: the facts, not the words.
#[derive(Clone, PartialEq, Eq)]
pub enum Mail {
    /// "We received your registration" to a respondent who registered.
    RegistrationConfirmation {
        /// The address (personal data: never logged).
        to: String,
        /// The respondent's language code (`en`, `fr`, ...).
        lang: String,
        /// The respondent, for the outbox record.
        respondent_id: i64,
        /// The respondent's name.
        name: String,
        /// The assembly's title.
        title: String,
    },
    /// A member's one-time sign-in code (worded by the code deliverer, `web::delivery`, never an effect of a use
    /// case: codes are issued when they are sent, issue 18).
    SignInCode {
        /// The account's own address (personal data: never logged).
        to: String,
        /// The member's language code.
        lang: String,
        /// The respondent the member came from, if any (for the outbox record).
        respondent_id: Option<i64>,
        /// The member's name.
        name: String,
        /// The code, as printed (`XXXX-XXXX-XXXX`).
        code: String,
        /// The last day it works (`YYYY-MM-DD`, UTC).
        expires_on: String,
        /// The assembly's title.
        title: String,
    },
    /// A password reset code that an administrator issued for a staff account.
    PasswordReset {
        /// The account's own address (personal data: never logged).
        to: String,
        /// The language code of the email (the issuing administrator's).
        lang: String,
        /// The account, for the log.
        account_id: i64,
        /// The account's name.
        name: String,
        /// The code, as printed (`XXXX-XXXX-XXXX`).
        code: String,
        /// The last day it works (`YYYY-MM-DD`, UTC).
        expires_on: String,
    },
    /// A community assembly host's key (issue 16, item 2), which proves their email and opens their host page.
    HostKey {
        /// The host's address (personal data: never logged).
        to: String,
        /// The language the host registered in.
        lang: String,
        /// The host.
        host_id: i64,
        /// The assembly.
        assembly_id: i64,
        /// The host's name.
        name: String,
        /// The key (secret).
        key: String,
        /// The assembly's title.
        title: String,
    },
    /// The one-time code that confirms a conversation participant's email (issue 16).
    ConversationCode {
        /// The participant's address (personal data: never logged).
        to: String,
        /// The language the participant asked in.
        lang: String,
        /// The assembly.
        assembly_id: i64,
        /// The code, as printed (`XXXX-XXXX-XXXX`; secret).
        code: String,
        /// The last moment it works (`YYYY-MM-DD HH:MM UTC`).
        expires: String,
        /// The assembly's title.
        title: String,
    },
    /// An invitation to join an assembly's staff (issue 18, item 3), with its one-time link's token.
    StaffInvitation {
        /// The invited address (personal data: never logged).
        to: String,
        /// The language of the email (the inviting organiser's).
        lang: String,
        /// The invitation.
        invitation_id: i64,
        /// The link's token (secret; only its hash is stored).
        token: String,
        /// The assembly's title.
        title: String,
        /// The role offered (`organiser`, `facilitator`, ...).
        role: String,
        /// The last day it can be accepted (`YYYY-MM-DD`, UTC).
        expires_on: String,
    },
}

impl std::fmt::Debug for Mail {
    // Addresses, names and codes are personal or secret: Debug shows the kind and ids only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mail::RegistrationConfirmation { respondent_id, .. } => f
                .debug_struct("RegistrationConfirmation")
                .field("respondent_id", respondent_id)
                .finish_non_exhaustive(),
            Mail::SignInCode { respondent_id, .. } => f
                .debug_struct("SignInCode")
                .field("respondent_id", respondent_id)
                .finish_non_exhaustive(),
            Mail::PasswordReset { account_id, .. } => f
                .debug_struct("PasswordReset")
                .field("account_id", account_id)
                .finish_non_exhaustive(),
            Mail::HostKey { host_id, .. } => f
                .debug_struct("HostKey")
                .field("host_id", host_id)
                .finish_non_exhaustive(),
            Mail::ConversationCode { assembly_id, .. } => f
                .debug_struct("ConversationCode")
                .field("assembly_id", assembly_id)
                .finish_non_exhaustive(),
            Mail::StaffInvitation { invitation_id, .. } => f
                .debug_struct("StaffInvitation")
                .field("invitation_id", invitation_id)
                .finish_non_exhaustive(),
        }
    }
}

/// A background job to start after commit; its row was written by the use case, so a job that fails to start
/// is visible (and recovered at the next start) rather than lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Run a selection run that the use case put in state `running`.
    SelectionRun {
        /// The assembly.
        assembly_id: i64,
        /// The run.
        run_id: i64,
    },
    /// Allocate an assembly's tables (the job row was written by the use case).
    TableAllocation {
        /// The assembly.
        assembly_id: i64,
        /// The allocation job.
        job_id: i64,
    },
    /// Print an assembly's letters as PDF files (issue 18, item 6; the run's row was written by the use case).
    LetterPrint {
        /// The assembly.
        assembly_id: i64,
        /// The print run.
        print_id: i64,
    },
}

/// The effects a use case collected, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects(Vec<Effect>);

impl Effects {
    /// No effects.
    pub fn new() -> Effects {
        Effects(Vec::new())
    }

    /// Adds one.
    pub fn push(&mut self, effect: Effect) {
        self.0.push(effect);
    }

    /// Adds all of `other`'s.
    pub fn extend(&mut self, other: Effects) {
        self.0.extend(other.0);
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The effects, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Effect> {
        self.0.iter()
    }
}

impl IntoIterator for Effects {
    type Item = Effect;
    type IntoIter = std::vec::IntoIter<Effect>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A use case's value and the effects to carry out after commit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the effects must be carried out after commit"]
pub struct Done<T> {
    /// What the use case returns.
    pub value: T,
    /// What to do after commit.
    pub effects: Effects,
}

impl<T> Done<T> {
    /// A value with no effects.
    pub fn pure(value: T) -> Done<T> {
        Done {
            value,
            effects: Effects::new(),
        }
    }

    /// A value with effects.
    pub fn with(value: T, effects: Effects) -> Done<T> {
        Done { value, effects }
    }
}
