//! TODO
use super::Link;
use crate::ui::derived::TraceData;
use std::sync::Arc;
/// TODO
#[derive(Default)]
pub struct MmuView {}
impl MmuView {
    /// TODO
    pub fn ui(&mut self, _ui: &mut egui::Ui, _data: &Arc<TraceData>) -> Option<Link> { None }
}
