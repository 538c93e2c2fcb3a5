//! The message catalogue of email, phone registration and new members (issue 4, items 2 and 6), English and French.
//! Kept apart from the shared catalogue so that these pages add strings without touching it; reached as
//! `lang.t::<MemberMessages>()`.

use crate::i18n::Lang;

/// The strings of email, phone registration and new members' sign-in codes.
#[allow(missing_docs)]
#[derive(serde::Serialize)]
pub struct MemberMessages {
    pub phone_link: &'static str,
    pub phone_title: &'static str,
    pub phone_intro: &'static str,
    pub phone_code_hint: &'static str,
    pub phone_consent_label: &'static str,
    pub phone_lang_label: &'static str,
    pub phone_submit: &'static str,
    pub phone_done: &'static str,
    pub err_phone_consent: &'static str,
    pub mail_off: &'static str,
    pub mail_on: &'static str,
    pub code_title: &'static str,
    pub code_intro: &'static str,
    pub code_mailed: &'static str,
    pub code_for: &'static str,
    pub code_expires: &'static str,
    pub code_where: &'static str,
    pub back_link: &'static str,
    pub err_other_role: &'static str,
    pub registration_subject: &'static str,
    pub registration_body: &'static str,
    pub code_subject: &'static str,
    pub code_body: &'static str,
    pub languages: [&'static str; 2],
}

/// English.
pub static EN_MEMBERS: MemberMessages = MemberMessages {
    phone_link: "Register someone who phones in",
    phone_title: "Register someone by phone",
    phone_intro: "Ask the same questions as the public form and type the answers. Consent is recorded as verbal, given to you.",
    phone_code_hint: "Optional: the code on their letter. It is checked and counted against the household like on the public form.",
    phone_consent_label: "The person agreed on the phone that their details may be kept for this assembly (verbal consent, recorded under your name)",
    phone_lang_label: "Language for their emails",
    phone_submit: "Register",
    phone_done: "Registered. The respondent's number is",
    err_phone_consent: "Consent: ask for verbal consent and tick the box; nothing was saved.",
    mail_off: "Email is not configured on this server (no SMTP relay): no confirmation or sign-in code is emailed. Send the sign-in codes of confirmed people by SMS or in sealed printed letters from the members' sign-in codes page; nobody on the staff ever sees a code.",
    mail_on: "Emails (registration confirmations, sign-in codes of confirmed people) are sent through the configured SMTP relay.",
    code_title: "Sign-in code of a new member",
    code_intro: "This person is now a member of the assembly. Email is not configured on this server, so their one-time sign-in code is shown here, once: it is stored only in unreadable form and cannot be shown again. Give it to them by phone or letter.",
    code_mailed: "Their sign-in code was emailed to them.",
    code_for: "Code for",
    code_expires: "Valid until",
    code_where: "They sign in at this page with their email address and the code:",
    back_link: "Back to the respondents",
    err_other_role: "This person's email belongs to an account with another role in this assembly; give them the member role by hand first.",
    registration_subject: "Your registration for {title}",
    registration_body: "Hello {name},\n\nThank you for registering for {title}.\n\nWe have received your answers. If you are selected for the panel, we will contact you to confirm your place. You do not need to do anything now.\n\nIf you did not register, or you want your details erased, reply to this email.\n",
    code_subject: "Your sign-in code for {title}",
    code_body: "Hello {name},\n\nYou are now a member of {title}. Welcome!\n\nSign in at {url} with this email address and this one-time code:\n\n    {code}\n\nThe code works once and expires on {expires}. After signing in you will find your sessions and your table under \"My assembly\".\n",
    languages: ["English", "French"],
};

/// French.
pub static FR_MEMBERS: MemberMessages = MemberMessages {
    phone_link: "Inscrire une personne qui appelle",
    phone_title: "Inscrire une personne par téléphone",
    phone_intro: "Posez les mêmes questions que le formulaire public et saisissez les réponses. Le consentement est enregistré comme oral, donné à vous.",
    phone_code_hint: "Facultatif : le code de sa lettre. Il est vérifié et compté pour le foyer comme sur le formulaire public.",
    phone_consent_label: "La personne a accepté au téléphone que ses coordonnées soient conservées pour cette assemblée (consentement oral, enregistré à votre nom)",
    phone_lang_label: "Langue de ses courriels",
    phone_submit: "Inscrire",
    phone_done: "Inscription enregistrée. Numéro de la personne :",
    err_phone_consent: "Consentement : demandez le consentement oral et cochez la case ; rien n'a été enregistré.",
    mail_off: "Le courriel n'est pas configuré sur ce serveur (pas de relais SMTP) : aucune confirmation ni aucun code de connexion n'est envoyé par courriel. Envoyez les codes de connexion des personnes confirmées par SMS ou dans des lettres imprimées et cachetées depuis la page des codes de connexion des membres ; personne dans l'équipe ne voit jamais un code.",
    mail_on: "Les courriels (confirmations d'inscription, codes de connexion des personnes confirmées) partent par le relais SMTP configuré.",
    code_title: "Code de connexion d'un nouveau membre",
    code_intro: "Cette personne est maintenant membre de l'assemblée. Le courriel n'est pas configuré sur ce serveur : son code de connexion à usage unique est montré ici, une seule fois ; il n'est conservé que sous une forme illisible et ne pourra plus être affiché. Transmettez-le par téléphone ou par courrier.",
    code_mailed: "Son code de connexion lui a été envoyé par courriel.",
    code_for: "Code pour",
    code_expires: "Valable jusqu'au",
    code_where: "La personne se connecte sur cette page avec son adresse électronique et le code :",
    back_link: "Retour aux personnes inscrites",
    err_other_role: "L'adresse de cette personne appartient à un compte qui a un autre rôle dans cette assemblée ; donnez-lui d'abord le rôle de membre à la main.",
    registration_subject: "Votre inscription : {title}",
    registration_body: "Bonjour {name},\n\nMerci de votre inscription à {title}.\n\nNous avons bien reçu vos réponses. Si vous êtes tiré·e au sort pour le panel, nous vous contacterons pour confirmer votre place. Vous n'avez rien à faire pour l'instant.\n\nSi vous ne vous êtes pas inscrit·e, ou si vous voulez que vos données soient effacées, répondez à ce courriel.\n",
    code_subject: "Votre code de connexion : {title}",
    code_body: "Bonjour {name},\n\nVous êtes maintenant membre de {title}. Bienvenue !\n\nConnectez-vous sur {url} avec cette adresse électronique et ce code à usage unique :\n\n    {code}\n\nLe code ne fonctionne qu'une fois et expire le {expires}. Une fois connecté·e, vous trouverez vos séances et votre table sous « Mon assemblée ».\n",
    languages: ["anglais", "français"],
};

impl crate::i18n::Catalogue for MemberMessages {
    fn of(lang: Lang) -> &'static MemberMessages {
        match lang {
            Lang::En => &EN_MEMBERS,
            Lang::Fr => &FR_MEMBERS,
        }
    }
}
