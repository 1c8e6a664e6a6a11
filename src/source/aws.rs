//! AWS: exports of the AWS CLI (authorization details, service last accessed, the
//! organization, EKS identities), IAM credential reports, and the live account.

use super::{AwsSource, Input, Loaded, Source, SourceError};
use crate::collect::aws::{self, AwsExport};

/// JSON written by the AWS CLI.
pub(super) struct CliExports;

impl Source for CliExports {
    fn detect(&self, input: &Input) -> bool {
        matches!(input, Input::File { text, .. } if AwsExport::recognise(text).is_some())
    }

    fn load(&self, input: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        self.read(input, into).map(|_| ())
    }

    /// Recognising an export parses it: the document recognised is the one imported.
    fn read(&self, input: &Input, into: &mut Loaded) -> Result<bool, SourceError> {
        let Input::File { rel, text, .. } = input else {
            return Ok(false);
        };
        let Some(export) = AwsExport::recognise(text) else {
            return Ok(false);
        };
        let s = &mut into.snapshot;
        match export {
            AwsExport::AuthorizationDetails(doc) => {
                s.resources.extend(aws::authorization_details::import(&doc))
            }
            AwsExport::ServiceLastAccessed(doc) => {
                into.service_reports.push((rel.to_string(), doc))
            }
            AwsExport::Organization(doc) => {
                let (resources, d) = aws::organizations::import(&doc, rel);
                s.resources.extend(resources);
                s.diagnostics.extend(d);
            }
            AwsExport::EksIdentities(doc) => s.resources.extend(aws::eks_identities::import(&doc)),
        }
        Ok(true)
    }
}

/// IAM credential reports (CSV).
pub(super) struct CredentialReports;

impl Source for CredentialReports {
    fn detect(&self, input: &Input) -> bool {
        matches!(input, Input::File { text, .. } if aws::credential_report::is_credential_report(text))
    }

    fn load(&self, input: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        if let Input::File { rel, text, .. } = input {
            let (resources, d) = aws::credential_report::import(text, rel);
            into.snapshot.resources.extend(resources);
            into.snapshot.diagnostics.extend(d);
        }
        Ok(())
    }
}

/// The live account(s), when asked for.
pub(super) struct LiveAccount<'a>(pub Option<&'a AwsSource>);

impl Source for LiveAccount<'_> {
    fn detect(&self, input: &Input) -> bool {
        matches!(input, Input::Live) && self.0.is_some()
    }

    #[cfg(feature = "aws")]
    fn load(&self, _: &Input, into: &mut Loaded) -> Result<(), SourceError> {
        let Some(a) = self.0 else { return Ok(()) };
        let c = crate::collect::aws::live::collect(&a.options)?;
        into.snapshot.sources.extend(c.sources);
        into.snapshot.resources.extend(c.resources);
        into.snapshot.coverage.extend(c.coverage);
        Ok(())
    }

    #[cfg(not(feature = "aws"))]
    fn load(&self, _: &Input, _: &mut Loaded) -> Result<(), SourceError> {
        Err(SourceError::NotBuiltIn("aws"))
    }
}
