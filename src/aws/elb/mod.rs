//! Elastic Load Balancing v2: load balancers, their listeners and the WAF web ACLs
//! associated with them.
//! `terraform.rs` reads them from a configuration, `live.rs` from the API.

pub(crate) mod terraform;

#[cfg(feature = "aws")]
pub(crate) mod live;

use super::ResourceType;

/// Elastic Load Balancing v2's resource types (`aws_alb*` are the older names).
pub(crate) const TYPES: &[ResourceType] = &[
    ResourceType::adapted("aws_lb", terraform::load_balancer),
    ResourceType::adapted("aws_alb", terraform::load_balancer),
    ResourceType::adapted("aws_lb_listener", terraform::listener),
    ResourceType::adapted("aws_alb_listener", terraform::listener),
];

/// How the live collector reads the service (`--services elbv2`).
#[cfg(feature = "aws")]
pub(crate) const LIVE: crate::collect::aws::live::LiveService =
    crate::collect::aws::live::LiveService {
        name: "elbv2",
        collector: crate::collect::aws::live::Collector::Regional(|ctx, from| {
            Box::pin(live::collect(ctx, from))
        }),
    };
