//! Reads of the municipality's public geography (layers, shelters, settings): nothing here
//! names a person, so these are not audited and take no transaction.

use tsunagi_domain::OrganisationId;
use tsunagi_domain::evacuation_timing::TimingSettings;

use super::layers::LayerInfo;
use super::shelters::Shelter;
use crate::error::StoreError;

impl crate::Store {
    pub async fn gis_layers(&self, m: OrganisationId) -> Result<Vec<LayerInfo>, StoreError> {
        super::layers::list(self.conn(), m).await
    }
    pub async fn shelters(&self, m: OrganisationId) -> Result<Vec<Shelter>, StoreError> {
        super::shelters::list(self.conn(), m).await
    }
    pub async fn shelter(&self, m: OrganisationId, id: uuid::Uuid) -> Result<Shelter, StoreError> {
        super::shelters::get(self.conn(), m, id).await
    }
    /// The settings and their version (0: the defaults, never saved).
    pub async fn gis_settings(
        &self,
        m: OrganisationId,
    ) -> Result<(TimingSettings, i32), StoreError> {
        super::settings::get(self.conn(), m).await
    }
    /// A hazard layer as GeoJSON, simplified by `tolerance` degrees.
    pub async fn layer_features(
        &self,
        m: OrganisationId,
        id: uuid::Uuid,
        tolerance: f64,
    ) -> Result<serde_json::Value, StoreError> {
        super::layers::layer_features(self.conn(), m, id, tolerance).await
    }
}
