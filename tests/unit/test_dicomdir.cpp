#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "dicom/dicomdir.hpp"
#include "series/series_builder.hpp"

// DICOMDIR reading on pydicom's dicomdirtests (made by dcmgpdir, then re-encoded and reshuffled
// by pydicom's authors), and on copies of it built in a temporary folder.

using namespace dcmlens;
namespace fs = std::filesystem;

namespace {

const fs::path kDirTests = fs::path(DCMLENS_CORPUS) / "dicomdirtests";

std::string bytesOf(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string lower(std::string s) {
    for (char& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

// The paths relative to `base`, with '/' separators.
std::vector<std::string> relative(const std::vector<std::string>& paths, const fs::path& base) {
    std::vector<std::string> out;
    for (const auto& p : paths) {
        out.push_back(fs::path(p).lexically_relative(base).generic_string());
    }
    return out;
}

// A fresh folder under the system's temporary folder, removed at the end of the test.
class TempFolder {
public:
    explicit TempFolder(const std::string& name)
        : path_(fs::temp_directory_path() /
                ("dcmlens_" + name + "_" +
                 std::to_string(::testing::UnitTest::GetInstance()->random_seed()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

}  // namespace

TEST(Dicomdir, ListsTheImageRecordsInHierarchyOrder) {
    const auto dir = dicom::readDicomdir((kDirTests / "DICOMDIR").string());
    EXPECT_TRUE(dir.problems.empty());
    ASSERT_EQ(dir.files.size(), 31u);  // 31 IMAGE records; 7 patients, studies and series above
    const auto files = relative(dir.files, kDirTests);
    EXPECT_EQ(files.front(), "77654033/CR1/6154");  // first patient, first study, first series
    EXPECT_EQ(files.back(), "98892003/MR700/4648");
    for (const auto& f : dir.files) {
        EXPECT_TRUE(fs::is_regular_file(f)) << f;
    }
}

TEST(Dicomdir, OffsetsNotSequenceOrderDecideAndEncodingsDoNotMatter) {
    // -reordered stores the records in another sequence order with offsets to match; -bigEnd and
    // -implicit are other transfer syntaxes; -nooffset has root and next offsets that the walk
    // follows just the same. All list the same files in the same order.
    const auto expected = dicom::readDicomdir((kDirTests / "DICOMDIR").string()).files;
    for (const char* name :
         {"DICOMDIR-reordered", "DICOMDIR-bigEnd", "DICOMDIR-implicit", "DICOMDIR-nooffset"}) {
        const auto dir = dicom::readDicomdir((kDirTests / name).string());
        EXPECT_EQ(dir.files, expected) << name;
        EXPECT_TRUE(dir.problems.empty()) << name;
    }
}

TEST(Dicomdir, BrokenOffsetsFallBackToTheSequenceOrder) {
    // The root offset of -nopatient points at an IMAGE record with no next record: walking the
    // offsets would reach 1 of its 31 referenced files.
    const auto dir = dicom::readDicomdir((kDirTests / "DICOMDIR-nopatient").string());
    EXPECT_EQ(dir.files.size(), 31u);
    EXPECT_TRUE(dir.problems.empty());
}

TEST(Dicomdir, RecognisedByNameOrMediaStorageSopClass) {
    EXPECT_TRUE(dicom::isDicomdir((kDirTests / "DICOMDIR").string()));
    EXPECT_TRUE(dicom::isDicomdir((kDirTests / "DICOMDIR-empty.dcm").string()));  // SOP class
    EXPECT_TRUE(dicom::isDicomdir("/no/such/folder/dicomdir"));                   // name, any case
    EXPECT_FALSE(dicom::isDicomdir(std::string(DCMLENS_CORPUS) + "/CT_small.dcm"));
    EXPECT_FALSE(dicom::isDicomdir(std::string(DCMLENS_CORPUS) + "/README.txt"));
    EXPECT_FALSE(dicom::isDicomdir("/no/such/file.dcm"));
    const auto empty = dicom::readDicomdir((kDirTests / "DICOMDIR-empty.dcm").string());
    EXPECT_TRUE(empty.files.empty());
    EXPECT_TRUE(empty.problems.empty());
}

TEST(Dicomdir, LowerCaseMediaMissingFilesAndStrayFiles) {
    // A copy of the file-set as a CD mounted with lower-case names shows it, less one referenced
    // file, plus a DICOM file the DICOMDIR does not reference.
    TempFolder media("dicomdir_media");
    const fs::path root = media.path();
    fs::copy_file(kDirTests / "DICOMDIR", root / "DICOMDIR");
    for (const auto& e : fs::recursive_directory_iterator(kDirTests / "77654033")) {
        const fs::path rel = e.path().lexically_relative(kDirTests);
        if (e.is_directory()) {
            fs::create_directories(root / lower(rel.string()));
        } else if (rel.generic_string() != "77654033/CR2/6247") {
            fs::copy_file(e.path(), root / lower(rel.string()));
        }
    }
    fs::copy_file(fs::path(DCMLENS_CORPUS) / "CT_small.dcm", root / "77654033" / "STRAY");
    const std::string before = bytesOf(root / "DICOMDIR");

    const std::string dicomdir = (root / "DICOMDIR").string();
    const auto dir = dicom::readDicomdir(dicomdir);
    ASSERT_EQ(dir.problems.size(), 25u);  // CR2/6247, and the 24 files of the other patients
    EXPECT_EQ(dir.problems[0], dicomdir + ": referenced file 77654033/CR2/6247 not found");
    EXPECT_EQ(dir.problems[1], dicomdir + ": referenced file 98892001/CT2N/6293 not found");
    const auto files = relative(dir.files, root);
    EXPECT_EQ(files, (std::vector<std::string>{"77654033/cr1/6154", "77654033/cr3/6278",
                                               "77654033/ct2/17106", "77654033/ct2/17136",
                                               "77654033/ct2/17166", "77654033/ct2/17196"}));

    // listFiles: the DICOMDIR named, its problems reported; the folder walked, DICOMDIR skipped
    // and the stray file found.
    std::vector<std::string> problems;
    EXPECT_EQ(series::listFiles({dicomdir}, &problems), dir.files);
    EXPECT_EQ(problems, dir.problems);
    EXPECT_EQ(series::listFiles({dicomdir}), dir.files);  // problems dropped, nothing thrown
    const auto walked = series::listFiles({root.string()});
    EXPECT_EQ(walked.size(), dir.files.size() + 1);
    EXPECT_EQ(std::count(walked.begin(), walked.end(), dicomdir), 0);
    EXPECT_EQ(std::count(walked.begin(), walked.end(), (root / "77654033" / "STRAY").string()), 1);

    EXPECT_EQ(bytesOf(root / "DICOMDIR"), before);  // read, never written
}

TEST(Dicomdir, GarbageIsOneLineErrorAndStaysUntouched) {
    TempFolder media("dicomdir_garbage");
    const fs::path path = media.path() / "DICOMDIR";
    const std::string garbage = "this is not a DICOMDIR\n\x01\x02\x03 at all\n";
    std::ofstream(path, std::ios::binary) << garbage;
    try {
        dicom::readDicomdir(path.string());
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_FALSE(message.empty());
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
    // A DICOM file that is no directory (an image named DICOMDIR) is refused too.
    const fs::path image = media.path() / "IMAGE" / "DICOMDIR";
    fs::create_directories(image.parent_path());
    fs::copy_file(fs::path(DCMLENS_CORPUS) / "CT_small.dcm", image);
    EXPECT_THROW(dicom::readDicomdir(image.string()), Error);

    std::vector<std::string> problems;
    EXPECT_TRUE(series::listFiles({path.string()}, &problems).empty());
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].rfind(path.string() + ": ", 0), 0u) << problems[0];
    EXPECT_THROW(series::listFiles({path.string()}), Error);
    EXPECT_EQ(bytesOf(path), garbage);
}

// The File Meta reader behind isDicomdir: hand-made headers, well formed and broken.
TEST(Dicomdir, FileMetaIsReadByHandSafely) {
    const fs::path dir = fs::temp_directory_path() / ("dcmlens-meta-" + std::to_string(getpid()));
    fs::create_directories(dir);
    auto element = [](std::uint16_t el, const std::string& vr, const std::string& value) {
        std::string e = {'\x02', '\x00', static_cast<char>(el & 0xFF), static_cast<char>(el >> 8)};
        e += vr;
        if (vr == "OB" || vr == "UN") {  // 2 reserved bytes, then a 4-byte length (PS3.5 7.1.2)
            e += std::string(2, '\0');
            const auto n = static_cast<std::uint32_t>(value.size());
            for (int b = 0; b < 4; ++b) {
                e += static_cast<char>((n >> (8 * b)) & 0xFF);
            }
        } else {
            e += static_cast<char>(value.size() & 0xFF);
            e += static_cast<char>(value.size() >> 8);
        }
        return e + value;
    };
    const std::string head = std::string(128, '\0') + "DICM";
    const std::string version = element(0x0001, "OB", std::string("\0\1", 2));
    const std::string sopClass = element(0x0002, "UI", std::string("1.2.840.10008.1.3.10\0", 22));
    auto write = [&](const std::string& name, const std::string& bytes) {
        const fs::path p = dir / name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p.string();
    };
    EXPECT_TRUE(dicom::isDicomdir(write("good", head + version + sopClass)));
    EXPECT_FALSE(dicom::isDicomdir(
        write("ct", head + version + element(0x0002, "UI", "1.2.840.10008.5.1.4.1.1.2"))));
    // Truncated in the middle of the UID, an OB length running past the end, no "DICM", a
    // 4-byte length near 2^32, and an empty file: no crash, no match.
    EXPECT_FALSE(dicom::isDicomdir(write("cut", head + version + sopClass.substr(0, 14))));
    std::string longOb = element(0x0001, "OB", "");
    longOb[8] = longOb[9] = longOb[10] = '\xFF';
    EXPECT_FALSE(dicom::isDicomdir(write("long-ob", head + longOb + sopClass)));
    std::string huge = longOb;
    huge[11] = '\xFF';
    EXPECT_FALSE(dicom::isDicomdir(write("huge", head + huge + sopClass)));
    EXPECT_FALSE(dicom::isDicomdir(write("no-magic", std::string(128, '\0') + "DICX" + sopClass)));
    EXPECT_FALSE(dicom::isDicomdir(write("empty", "")));
    EXPECT_FALSE(dicom::isDicomdir((dir / "missing").string()));
    fs::remove_all(dir);
}
