// A console stream kept within its limit: all of it while it fits, else head, count and tail.
#include "bounded_capture.hpp"

#include <gtest/gtest.h>

#include <string>

namespace startjoin::conformance {
namespace {

TEST(BoundedCapture, KeepsEverythingThatFits) {
    bounded_capture capture(16);
    capture.append("hello ");
    capture.append("world\n");
    EXPECT_EQ(capture.text(), "hello world\n");
    EXPECT_EQ(capture.dropped(), 0U);
    capture.append("1234");  // 16 bytes: still all of it
    EXPECT_EQ(capture.text(), "hello world\n1234");
}

TEST(BoundedCapture, KeepsHeadAndTailAndCountsWhatItDropped) {
    bounded_capture capture(8);
    capture.append("abcd");
    capture.append("0123456789");
    capture.append("wxyz");
    EXPECT_EQ(capture.dropped(), 10U);  // 18 bytes written, 8 kept
    const std::string& text = capture.text();
    EXPECT_TRUE(text.starts_with("abcd\n[startjoin: 10 bytes dropped here")) << text;
    EXPECT_TRUE(text.ends_with("]\nwxyz")) << text;
    EXPECT_NE(text.find("STARTJOIN_CAPTURE_LIMIT=8"), std::string::npos) << text;
}

// Byte by byte or in one block, the same bytes give the same text.
TEST(BoundedCapture, TheWayBytesArriveDoesNotMatter) {
    std::string all;
    for (int i = 0; i < 5000; ++i) all += static_cast<char>('a' + i % 26);
    bounded_capture whole(1000), bytewise(1000), blocks(1000);
    whole.append(all);
    for (const char c : all) bytewise.append(std::string_view(&c, 1));
    for (std::size_t at = 0; at < all.size(); at += 777) blocks.append(all.substr(at, 777));
    EXPECT_EQ(whole.text(), bytewise.text());
    EXPECT_EQ(whole.text(), blocks.text());
    EXPECT_EQ(whole.dropped(), 4000U);
    EXPECT_TRUE(whole.text().starts_with(all.substr(0, 500)));
    EXPECT_TRUE(whole.text().ends_with(all.substr(4500)));
}

TEST(BoundedCapture, MemoryStaysWithinTwiceTheLimitWhateverIsWritten) {
    bounded_capture capture(4096);
    const std::string block(1000, 'x');
    for (int i = 0; i < 100'000; ++i) capture.append(block);  // 100 MB
    EXPECT_EQ(capture.dropped(), 100'000'000U - 4096U);
    EXPECT_LT(capture.text().size(), 4096U + 200U);
}

}  // namespace
}  // namespace startjoin::conformance
