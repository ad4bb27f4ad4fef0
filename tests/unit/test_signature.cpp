#include <gtest/gtest.h>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/oflog/oflog.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "dicom/signature.hpp"

using namespace dcmlens;

namespace {

std::string why(const std::vector<std::uint8_t>& bytes, std::uint64_t fileSize = 0) {
    return dicom::whyNotDicom(bytes.data(), bytes.size(), fileSize ? fileSize : bytes.size());
}

std::vector<std::uint8_t> bytesOf(std::initializer_list<int> values, std::size_t padTo = 0) {
    std::vector<std::uint8_t> out;
    for (int v : values) {
        out.push_back(static_cast<std::uint8_t>(v));
    }
    out.resize(std::max(out.size(), padTo), 0x41);
    return out;
}

std::string errorOf(const std::string& path) {
    try {
        dicom::DicomFile file(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Signature, Part10PrefixIsDicom) {
    std::vector<std::uint8_t> file(200, 0);
    std::memcpy(file.data() + 128, "DICM", 4);
    EXPECT_EQ(why(file), "");
}

TEST(Signature, ZerosAndTextAreNotDicom) {
    EXPECT_NE(why(std::vector<std::uint8_t>(4096, 0)), "");  // (0000,0000): a DIMSE command group
    const std::string text = "This is a text file, not a DICOM file.\n";
    const std::string reason = why(std::vector<std::uint8_t>(text.begin(), text.end()));
    EXPECT_NE(reason.find("text"), std::string::npos) << reason;
    EXPECT_NE(why({}), "");
    EXPECT_NE(why(bytesOf({0x08, 0x00})), "");  // too short for an element header
}

TEST(Signature, BareDatasetsStartWithGroup0002Or0008) {
    // (0008,0005) CS, length 10, explicit VR little endian.
    EXPECT_EQ(why(bytesOf({0x08, 0x00, 0x05, 0x00, 'C', 'S', 10, 0}, 18)), "");
    // The same, explicit VR big endian.
    EXPECT_EQ(why(bytesOf({0x00, 0x08, 0x00, 0x05, 'C', 'S', 0, 10}, 18)), "");
    // Implicit VR little endian: a 32-bit length.
    EXPECT_EQ(why(bytesOf({0x08, 0x00, 0x05, 0x00, 10, 0, 0, 0}, 18)), "");
    // Explicit OB with a 32-bit length; (0002,0001) of File Meta Information without preamble.
    EXPECT_EQ(why(bytesOf({0x02, 0x00, 0x01, 0x00, 'O', 'B', 0, 0, 2, 0, 0, 0}, 14)), "");
    // A sequence of undefined length.
    EXPECT_EQ(why(bytesOf({0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF}, 20)),
              "");
    // Groups no dataset starts with (every IOD has (0008,0016); elements ascend, PS3.5 7.1).
    EXPECT_NE(why(bytesOf({0x10, 0x00, 0x10, 0x00, 'P', 'N', 4, 0}, 12)), "");
    EXPECT_NE(why(bytesOf({0x00, 0x00, 0x00, 0x00, 'U', 'L', 4, 0}, 12)), "");
    // A length past the end of the file.
    EXPECT_NE(why(bytesOf({0x08, 0x00, 0x05, 0x00, 'C', 'S', 200, 0}, 18)), "");
    EXPECT_NE(why(bytesOf({0x08, 0x00, 0x05, 0x00, 200, 0, 0, 0}, 18)), "");
}

// Every corpus file that DCMTK parses into a dataset also passes the signature check: the rule
// refuses nothing that is DICOM.
TEST(Signature, EveryDicomFileOfTheCorpusPasses) {
    OFLog::configure(OFLogger::FATAL_LOG_LEVEL);  // the corpus' broken files are expected
    int checked = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(DCMLENS_CORPUS)) {
        if (!e.is_regular_file()) {
            continue;
        }
        DcmFileFormat file;
        if (file.loadFile(e.path().c_str()).bad() || file.getDataset()->card() == 0) {
            continue;
        }
        std::ifstream in(e.path(), std::ios::binary);
        std::vector<std::uint8_t> head(dicom::kSignatureBytes);
        in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<std::size_t>(in.gcount()));
        EXPECT_EQ(why(head, e.file_size()), "") << e.path();
        ++checked;
    }
    EXPECT_GT(checked, 50);
}

TEST(Signature, DicomFileSaysNotADicomFile) {
    const std::string zeros = ::testing::TempDir() + "signature_zeros.dcm";
    const std::string text = ::testing::TempDir() + "signature_text.dcm";
    std::ofstream(zeros, std::ios::binary) << std::string(4096, '\0');
    std::ofstream(text) << "This is a text file, not a DICOM file.\n";
    EXPECT_EQ(errorOf(zeros).rfind("not a DICOM file (", 0), 0u) << errorOf(zeros);
    EXPECT_EQ(errorOf(text), "not a DICOM file (text, no DICM prefix at byte 128)");
    std::filesystem::remove(zeros);
    std::filesystem::remove(text);
}
