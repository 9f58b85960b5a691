// B3d's anchor: the bare Boost.Beast coroutine server the Lianxin server core
// is compared with (shared/docs/BENCHMARKS.md). One handler answering
// {"status":"ok"} to every request, keep-alive, one io_context run by one
// thread per core like `lianxin serve`'s default, the same Boost. Nothing
// else: no routing, headers, metrics, request ids or logs.
//   beast_peer PORT [THREADS]
// bench/http builds it with the flags of the release build.
// clang-format off
#include <utility>  // before Asio: Boost 1.74's Asio misses it under g++ 12 in C++20 mode
// clang-format on
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

net::awaitable<void> Serve(tcp::socket socket) {
  boost::beast::flat_buffer buffer;
  boost::system::error_code ec;
  auto redirect = net::redirect_error(net::use_awaitable, ec);
  while (true) {
    http::request<http::string_body> request;
    co_await http::async_read(socket, buffer, request, redirect);
    if (ec) break;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = R"({"status":"ok"})";
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    co_await http::async_write(socket, response, redirect);
    if (ec || !request.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

net::awaitable<void> Accept(tcp::acceptor& acceptor) {
  while (true) {
    tcp::socket socket(net::make_strand(acceptor.get_executor()));
    co_await acceptor.async_accept(socket, net::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    auto executor = socket.get_executor();
    net::co_spawn(executor, Serve(std::move(socket)), net::detached);
  }
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  unsigned threads =
      argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : std::thread::hardware_concurrency();
  net::io_context ioc(static_cast<int>(threads));
  tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), port});
  net::co_spawn(ioc, Accept(acceptor), net::detached);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
}
