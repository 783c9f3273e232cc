//! The request context: who acts, for which organisation, in which disaster state, on which
//! day (JST), under which request id. Built once per request (or command) and handed to every
//! use case, as kanidm carries its `Identity` inside each event.

use chrono::{NaiveDate, Utc};
use tsunagi_domain::access::Actor;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_store::AuditContext;

use crate::Error;

/// Who is acting.
#[derive(Clone, Debug)]
pub enum Identity {
    /// A user acting for one of their organisations.
    User(Actor),
    /// The command line or other system work, named by its operator.
    System { operator: String },
    /// Nobody yet: a login attempt, named by the login typed.
    Anonymous { login: String },
}

/// The ids a request is known by. The server's id is always generated here or by the web
/// layer; an id the client sent is kept beside it, never instead of it.
#[derive(Clone, Debug)]
pub struct RequestIds {
    pub server: String,
    pub client: Option<String>,
}

impl RequestIds {
    /// A fresh server id (UUIDv7), with the client's id if one was sent.
    pub fn generate(client: Option<String>) -> Self {
        RequestIds {
            server: uuid::Uuid::now_v7().to_string(),
            client: client
                .map(|c| sanitise_client_id(&c))
                .filter(|c| !c.is_empty()),
        }
    }
}

/// A client-sent id is logged, so only printable ASCII and at most 64 characters of it.
pub fn sanitise_client_id(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

/// Today in Japan (JST, UTC+9): the one "today" of screens, documents and stored notes.
pub fn today_jst() -> NaiveDate {
    tsunagi_store::today_jst()
}

/// The day in Japan (JST) of a moment: a disaster's day, a certificate's day.
pub fn day_jst(at: chrono::DateTime<Utc>) -> NaiveDate {
    tsunagi_store::day_jst(at)
}

/// Everything a use case needs to know about the request.
#[derive(Clone, Debug)]
pub struct Context {
    identity: Identity,
    disaster: DisasterState,
    /// The open declarations behind `disaster` (municipality, id): named in every audit entry
    /// made on the basis 災害時.
    declarations: Vec<(tsunagi_domain::OrganisationId, uuid::Uuid)>,
    today: NaiveDate,
    ids: RequestIds,
}

impl Context {
    /// Assembled by [`crate::App::context`], which loads the disaster state.
    pub(crate) fn new(identity: Identity, disaster: DisasterState, ids: RequestIds) -> Self {
        Context {
            identity,
            disaster,
            declarations: Vec::new(),
            today: today_jst(),
            ids,
        }
    }

    pub(crate) fn with_declarations(
        mut self,
        declarations: Vec<(tsunagi_domain::OrganisationId, uuid::Uuid)>,
    ) -> Self {
        self.declarations = declarations;
        self
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The acting user; `Unauthenticated` for system work and anonymous requests.
    pub fn actor(&self) -> Result<&Actor, Error> {
        match &self.identity {
            Identity::User(a) => Ok(a),
            _ => Err(Error::Unauthenticated),
        }
    }

    /// The disaster state the sharing policy sees, loaded once for this request.
    pub fn disaster(&self) -> &DisasterState {
        &self.disaster
    }

    /// Today in JST, fixed for the whole request.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    pub fn request_id(&self) -> &str {
        &self.ids.server
    }

    pub fn client_request_id(&self) -> Option<&str> {
        self.ids.client.as_deref()
    }

    /// The same request on behalf of another identity (a login that has just succeeded).
    pub fn as_identity(&self, identity: Identity) -> Context {
        Context {
            identity,
            ..self.clone()
        }
    }

    /// Who the audit trail names.
    pub(crate) fn audit(&self) -> AuditContext {
        let mut a = match &self.identity {
            Identity::User(actor) => AuditContext::for_actor(actor, None),
            Identity::System { operator } => AuditContext::system(operator),
            Identity::Anonymous { login } => AuditContext::system(login),
        };
        a.request_id = Some(self.ids.server.clone());
        a.client_request_id = self.ids.client.clone();
        a.declarations = self
            .declarations
            .iter()
            .map(|(m, id)| (m.to_string(), id.to_string()))
            .collect();
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_never_replaces_the_server_id() {
        let ids = RequestIds::generate(Some("client-123".into()));
        assert_ne!(ids.server, "client-123");
        assert_eq!(ids.client.as_deref(), Some("client-123"));
        assert!(uuid::Uuid::parse_str(&ids.server).is_ok());
    }

    #[test]
    fn client_ids_are_cut_to_printable_ascii() {
        assert_eq!(sanitise_client_id("ab\ncd\u{3042}e f"), "abcdef");
        assert_eq!(sanitise_client_id(&"x".repeat(100)).len(), 64);
        assert_eq!(RequestIds::generate(Some("\n".into())).client, None);
    }
}
