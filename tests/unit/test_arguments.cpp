#include <gtest/gtest.h>

#include "cli/arguments.hpp"

using namespace dcmlens::cli;

TEST(Arguments, SwitchesValuesAndPositionals) {
    Arguments a({"in.dcm", "-o", "out.png", "--cpu"}, {"--cpu"}, {"-o"});
    EXPECT_TRUE(a.has("--cpu"));
    EXPECT_EQ(a.value("-o"), "out.png");
    EXPECT_EQ(a.positionals(), std::vector<std::string>{"in.dcm"});
}

TEST(Arguments, NameEqualsValueAndNegativeValues) {
    Arguments a({"--window=-100,50", "--frame", "2"}, {}, {"--window", "--frame"});
    EXPECT_EQ(a.value("--window"), "-100,50");
    Arguments b({"--window", "-100,50"}, {}, {"--window"});
    EXPECT_EQ(b.value("--window"), "-100,50");
    EXPECT_THROW(Arguments({"--nope=1"}, {}, {"--window"}), UsageError);
}

TEST(Arguments, UnknownOrMissingValuesAreUsageErrors) {
    EXPECT_THROW(Arguments({"--nope"}, {}, {}), UsageError);
    EXPECT_THROW(Arguments({"-o"}, {}, {"-o"}), UsageError);
    EXPECT_THROW(parseInt("--frame", "0", 1), UsageError);
    EXPECT_THROW(parseInt("--frame", "2x", 1), UsageError);
    EXPECT_EQ(parseInt("--frame", "3", 1), 3);
    EXPECT_THROW(parsePair("--window", "40", ','), UsageError);
    EXPECT_EQ(parsePair("--window", "40,-400.5", ','), std::make_pair(40.0, -400.5));
    EXPECT_EQ(parsePair("--size", "512x256", 'x'), std::make_pair(512.0, 256.0));
}
