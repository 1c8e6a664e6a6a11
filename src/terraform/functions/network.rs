//! CIDR arithmetic: `cidrsubnet`, `cidrhost`.

use super::*;

pub(super) fn call(name: &str, args: &[Val], _: &Ctx) -> Option<Val> {
    let a = Args(args);
    Some(match name {
        "cidrsubnet" => match (a.s(0), a.n(1), a.n(2)) {
            (Some(prefix), Some(bits), Some(num)) => cidrsubnet(&prefix, bits as u32, num as u128),
            _ => Val::error("cidrsubnet takes a prefix and two numbers"),
        },
        "cidrhost" => match (a.s(0), a.n(1)) {
            (Some(prefix), Some(num)) => cidrhost(&prefix, num as u128),
            _ => Val::error("cidrhost takes a prefix and a number"),
        },
        _ => return None,
    })
}

pub(super) fn cidrsubnet(prefix: &str, newbits: u32, num: u128) -> Val {
    let Ok(net) = prefix.parse::<ipnet::IpNet>() else {
        return Val::error(format!("cidrsubnet: invalid prefix {prefix:?}"));
    };
    let new_len = net.prefix_len() as u32 + newbits;
    match net {
        ipnet::IpNet::V4(n) => {
            if new_len > 32 || num >= (1u128 << newbits) {
                return Val::error("cidrsubnet: not enough address space");
            }
            let base = u32::from(n.network()) as u128;
            let addr = base | (num << (32 - new_len));
            Val::Str(format!(
                "{}/{}",
                std::net::Ipv4Addr::from(addr as u32),
                new_len
            ))
        }
        ipnet::IpNet::V6(n) => {
            if new_len > 128 || (newbits < 128 && num >= (1u128 << newbits)) {
                return Val::error("cidrsubnet: not enough address space");
            }
            let base = u128::from(n.network());
            let shift = 128 - new_len;
            let addr = if shift >= 128 {
                base
            } else {
                base | (num << shift)
            };
            Val::Str(format!("{}/{}", std::net::Ipv6Addr::from(addr), new_len))
        }
    }
}

pub(super) fn cidrhost(prefix: &str, num: u128) -> Val {
    let Ok(net) = prefix.parse::<ipnet::IpNet>() else {
        return Val::error(format!("cidrhost: invalid prefix {prefix:?}"));
    };
    match net {
        ipnet::IpNet::V4(n) => Val::Str(
            std::net::Ipv4Addr::from((u32::from(n.network()) as u128 + num) as u32).to_string(),
        ),
        ipnet::IpNet::V6(n) => {
            Val::Str(std::net::Ipv6Addr::from(u128::from(n.network()) + num).to_string())
        }
    }
}
