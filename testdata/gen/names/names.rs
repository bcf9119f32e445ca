// A Rust program whose CPU time is spent in the shapes of name that
// demanglers have to handle: nested modules, an inherent method, a
// generic function and a generic struct's method (each instantiated with
// two types), trait impls called through a trait object, closures (one
// through a generic, one through `dyn Fn`) and a generic trait impl
// (`impl<T: Debug> Display for Wrapper<T>`).
// Run under gperftools' CPU profiler by names.sh, built once with legacy
// and once with v0 symbol mangling. Standard library only.
use std::fmt;
use std::hint::black_box;

/// Burns N steps of a 64-bit mixing function in the
/// function that expands it, so the time is its own (flat), not a callee's.
macro_rules! burn {
    ($n:expr, $seed:expr) => {{
        let mut x: u64 = ::std::hint::black_box($seed) | 1;
        let n: u64 = ::std::hint::black_box($n);
        let mut i = 0u64;
        while i < n {
            // Shift-xor-multiply: unlike a bare LCG, LLVM cannot fold
            // several steps into one.
            x ^= x >> 29;
            x = x.wrapping_mul(0xbf58476d1ce4e5b9);
            i += 1;
        }
        ::std::hint::black_box(x)
    }};
}

mod shapes {
    pub trait Shape {
        fn cost(&self, round: u64) -> u64;
    }

    pub struct Circle {
        pub r: u64,
    }

    pub struct Square {
        pub side: u64,
    }

    impl Circle {
        #[inline(never)]
        pub fn area(&self) -> u64 {
            burn!(60_000, self.r)
        }
    }

    impl Shape for Circle {
        #[inline(never)]
        fn cost(&self, round: u64) -> u64 {
            burn!(20_000, round) ^ self.area()
        }
    }

    impl Shape for Square {
        #[inline(never)]
        fn cost(&self, round: u64) -> u64 {
            burn!(50_000, round ^ self.side)
        }
    }
}

mod store {
    pub mod cart {
        /// A generic struct; its method is used with u32 and String.
        pub struct Bag<T> {
            pub items: Vec<T>,
        }

        impl<T: Clone> Bag<T> {
            #[inline(never)]
            pub fn restock(&mut self, item: &T, times: u64) -> u64 {
                self.items.push(item.clone());
                burn!(times * 10_000, self.items.len() as u64)
            }
        }

        /// A generic function, used with u8 and u64.
        #[inline(never)]
        pub fn checksum<T: Copy + Into<u64>>(xs: &[T]) -> u64 {
            let mut s = 0u64;
            for &x in xs {
                s = s.wrapping_add(burn!(4_000, x.into()));
            }
            s
        }
    }
}

pub struct Wrapper<T>(pub T);

impl<T: fmt::Debug> fmt::Display for Wrapper<T> {
    #[inline(never)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spun = burn!(30_000, f.width().unwrap_or(3) as u64);
        write!(f, "[{:?} {}]", self.0, spun & 7)
    }
}

#[inline(never)]
fn apply_all<F: Fn(u64) -> u64>(xs: &[u64], f: F) -> u64 {
    xs.iter().map(|&x| f(x)).fold(0, u64::wrapping_add)
}

#[inline(never)]
fn run_once(round: u64, shapes: &[Box<dyn shapes::Shape>]) -> u64 {
    use store::cart::{checksum, Bag};
    let mut r = 0u64;
    for s in shapes {
        r = r.wrapping_add(s.cost(round));
    }
    let mut ints = Bag { items: Vec::new() };
    let mut names = Bag { items: Vec::new() };
    r = r.wrapping_add(ints.restock(&(round as u32), 3));
    r = r.wrapping_add(names.restock(&format!("sku{}", round % 10), 2));
    r = r.wrapping_add(checksum(&[1u8, 2, 3, 4, 5]));
    r = r.wrapping_add(checksum(&[7u64, 8, 9]));
    r = r.wrapping_add(apply_all(&[1, 2, 3], |x| burn!(x * 8_000, round)));
    let cb: Box<dyn Fn(u64) -> u64> = Box::new(move |x| burn!(x * 15_000, round ^ 11));
    r = r.wrapping_add(black_box(&cb)(2));
    let text = format!("{} {}", Wrapper(round), Wrapper(("cart", round % 5)));
    r.wrapping_add(text.len() as u64)
}

fn main() {
    let rounds: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5000);
    let shapes: Vec<Box<dyn shapes::Shape>> = vec![
        Box::new(shapes::Circle { r: 3 }),
        Box::new(shapes::Square { side: 4 }),
    ];
    let mut r = 0u64;
    for i in 0..rounds {
        r = r.wrapping_add(run_once(i, black_box(&shapes)));
    }
    println!("{}", r & 1);
}
