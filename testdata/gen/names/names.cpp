// A C++ program whose CPU time is spent in the shapes of name that
// demanglers and pprof's simplification have to handle: namespaces,
// class and function templates, methods (const and static), operators,
// lambdas, an anonymous namespace, overloads and std::function.
// Run under gperftools' CPU profiler by names.sh.
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace {
volatile std::uint64_t sink;

std::uint64_t
spin(std::uint64_t n, std::uint64_t seed)
{
    std::uint64_t x = seed | 1;
    for (std::uint64_t i = 0; i < n; i++)
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x;
}
} // namespace

namespace shop {
namespace cart {

template <typename T, int N> class Ring {
  public:
    std::uint64_t push(const T &v) { return spin(40000 * N, sizeof v); }
    static std::uint64_t drain(std::uint64_t n) { return spin(n, 7); }
};

struct Price {
    std::uint64_t cents;
    bool operator<(const Price &o) const
    {
        sink = spin(200, cents);
        return cents < o.cents;
    }
    Price operator+(const Price &o) const
    {
        return Price{spin(30000, o.cents) & 0xff};
    }
};

class Cart {
  public:
    std::uint64_t total(const std::map<std::string, Price> &items) const
    {
        Price sum{0};
        for (const auto &kv : items)
            sum = sum + kv.second;
        return sum.cents;
    }
    std::uint64_t total(int times) const { return spin(20000 * times, 3); }
};

template <typename F> std::uint64_t
apply_all(const std::vector<int> &xs, F f)
{
    std::uint64_t r = 0;
    for (int x : xs)
        r += f(x);
    return r;
}

} // namespace cart
} // namespace shop

static std::uint64_t
run_once(int round)
{
    using namespace shop::cart;
    Ring<int, 3> small;
    Ring<std::string, 1> named;
    std::uint64_t r = small.push(round) + named.push("sku") +
                      Ring<double, 2>::drain(50000);
    std::map<std::string, Price> items;
    for (int i = 0; i < 8; i++)
        items["item" + std::to_string(i)] = Price{(std::uint64_t)i * 100};
    Cart c;
    r += c.total(items) + c.total(round % 3 + 1);
    std::vector<int> xs{1, 2, 3, 4};
    r += apply_all(xs, [round](int x) { return spin(10000 * x, round); });
    std::function<std::uint64_t(int)> cb = [](int x) {
        return spin(15000 * x, 11);
    };
    r += cb(2);
    std::vector<Price> ps;
    for (int i = 0; i < 64; i++)
        ps.push_back(Price{(std::uint64_t)((i * 37) % 64)});
    std::uint64_t less = 0;
    for (size_t i = 1; i < ps.size(); i++)
        less += ps[i - 1] < ps[i];
    return r + less;
}

int
main(int argc, char **argv)
{
    int rounds = argc > 1 ? std::atoi(argv[1]) : 4000;
    std::uint64_t r = 0;
    for (int i = 0; i < rounds; i++)
        r += run_once(i);
    sink = r;
    return 0;
}
