#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "io/file_writer.hpp"

using namespace dcmlens;
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

TEST(Arguments, OutputNamesSayWhatIsWritten) {
    EXPECT_NO_THROW(requireExtension("out.png", {".png"}, "render writes PNG images"));
    EXPECT_NO_THROW(requireExtension("dir/OUT.PNG", {".png"}, "render writes PNG images"));
    EXPECT_NO_THROW(requireExtension("a.raw", {".png", ".raw"}, "export"));
    EXPECT_THROW(requireExtension("x.jpg", {".png"}, "render writes PNG images"), UsageError);
    EXPECT_THROW(requireExtension(".png", {".png"}, "render writes PNG images"), UsageError);
    EXPECT_THROW(requireExtension("png", {".png"}, "render writes PNG images"), UsageError);
    try {
        requireExtension("x.jpg", {".png", ".raw"}, "export --raw writes PNG or int32");
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_EQ(e.message,
                  "-o x.jpg: export --raw writes PNG or int32: give a name ending in .png or .raw");
    }
}

TEST(Arguments, FirstArgumentGoesToTheViewerOnlyWhenItCanBeViewed) {
    EXPECT_TRUE(goesToCommandLine("info"));
    EXPECT_TRUE(goesToCommandLine("dump-stored"));
    EXPECT_TRUE(goesToCommandLine("--help"));
    EXPECT_TRUE(goesToCommandLine("frobnicate"));  // then a usage error in runMain
    EXPECT_TRUE(goesToCommandLine("/no/such/file.dcm"));
    EXPECT_TRUE(goesToCommandLine(""));
    EXPECT_FALSE(goesToCommandLine(DCMLENS_CORPUS));  // a folder
    EXPECT_FALSE(goesToCommandLine(std::string(DCMLENS_CORPUS) + "/CT_small.dcm"));
    EXPECT_FALSE(goesToCommandLine("--panel"));  // the viewer's options
    EXPECT_FALSE(goesToCommandLine("dicomweb+https://pacs.example/studies/1.2.3"));
    EXPECT_TRUE(goesToCommandLine("://nothing"));
    EXPECT_EQ(isCommand("frobnicate"), goesToCommandLine("frobnicate"));
    const std::string message = unknownFirstArgument("frobnicate");
    for (const char* command :
         {"info", "render", "probe", "roi", "compare", "bench", "export", "dump-stored"}) {
        EXPECT_NE(message.find(command), std::string::npos) << command;
    }
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(unknownFirstArgument("scan.dcm").find("scan.dcm: no such file or folder"),
              std::string::npos);
}

TEST(Arguments, RunMainRefusesAnUnknownFirstArgument) {
    const char* argv[] = {"dcmlens", "frobnicate", "x"};
    ::testing::internal::CaptureStderr();
    const int status = runMain(3, const_cast<char**>(argv));
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(status, 2);
    EXPECT_EQ(err.find("dcmlens: unknown command 'frobnicate'"), 0u) << err;
    EXPECT_EQ(err.find('\n'), err.size() - 1) << err;  // one line
}

TEST(FileWriter, FailuresSayWhy) {
    const std::string folder = ::testing::TempDir() + "file_writer_missing";
    EXPECT_EQ(io::writeFailure(folder + "/x.png", ENOENT),
              "cannot write " + folder + "/x.png: no such folder " + folder);
    EXPECT_EQ(io::writeFailure("x.png", EACCES), "cannot write x.png: permission denied");
    EXPECT_EQ(io::writeFailure("x.png", ENOSPC), "cannot write x.png: no space left on device");
    EXPECT_EQ(io::writeFailure("x.png", EIO), "cannot write x.png: input/output error");
    try {
        io::writeFile(folder + "/x.bin", "abc", 3);
        FAIL();
    } catch (const dcmlens::Error& e) {
        EXPECT_EQ(std::string(e.what()), io::writeFailure(folder + "/x.bin", ENOENT));
    }
    const std::string written = ::testing::TempDir() + "file_writer.bin";
    io::writeFile(written, "abc", 3);
    EXPECT_EQ(std::filesystem::file_size(written), 3u);
    std::filesystem::remove(written);
}
