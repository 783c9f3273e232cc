//! A unit of work: the audited transaction of one use case and what it changed. The use case
//! records changes as it goes; [`Work::commit`] runs the consequences once over all of them, in
//! the order of [`crate::consequences`], then commits the transaction with its audit entries.

use tsunagi_store::AuditedTx;

use crate::consequences::{self, Changes};
use crate::{App, Context, Error};

pub(crate) struct Work<'c> {
    pub(crate) tx: AuditedTx,
    pub(crate) ctx: &'c Context,
    pub(crate) changes: Changes,
}

impl App {
    /// Opens the audited transaction of a use case.
    pub(crate) async fn begin<'c>(&self, ctx: &'c Context) -> Result<Work<'c>, Error> {
        Ok(Work {
            tx: self.store.begin(ctx.audit()).await?,
            ctx,
            changes: Changes::default(),
        })
    }

    /// Opens the transaction of a use case that only reads (the busiest pages: a checker's
    /// sweep list, the headquarters' figures): it does not queue for the audit chain's lock
    /// while reading; its audit entries are appended when it commits (`AuditedTx::commit`).
    pub(crate) async fn begin_read<'c>(&self, ctx: &'c Context) -> Result<Work<'c>, Error> {
        Ok(Work {
            tx: self.store.begin_read(ctx.audit()).await?,
            ctx,
            changes: Changes::default(),
        })
    }
}

impl Work<'_> {
    /// Runs the consequences of everything recorded, then commits.
    pub(crate) async fn commit(mut self) -> Result<(), Error> {
        self.settle().await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// Runs the consequences without committing (a dry run rolls them back with the rest).
    pub(crate) async fn settle(&mut self) -> Result<(), Error> {
        consequences::run(&mut self.tx, self.ctx, &mut self.changes).await
    }
}
