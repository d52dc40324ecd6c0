//! toulmin: argument maps from opinion commentary, driven by editable annotation rules.
//!
//! The module tree is the pipeline: [`article`] reads the text, [`grammar`] compiles the rules,
//! [`annotate`] segments and assigns roles, [`link`] relates units and picks the thesis, [`graph`]
//! checks and analyses the result, [`render`] and [`export`] write it out, [`eval`] scores it.
//! [`pipeline`] runs the stages in order for one text.

pub mod annotate;
pub mod article;
pub mod eval;
pub mod examples;
pub mod explain;
pub mod export;
pub mod grammar;
pub mod graph;
pub mod link;
pub mod pipeline;
pub mod position;
#[cfg(feature = "python")]
mod python;
pub mod render;
pub mod serve;
pub mod tune;
