// The compiled data dictionary (dicom/dictionary.hpp) against DCMTK's own parse of the files it
// was made from: the same entries, field by field, in the same order.

#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "dicom/dicom_file.hpp"
#include "dicom/dictionary.hpp"

using namespace dcmlens;

namespace {

std::string text(const char* s) {
    return s ? s : "(null)";
}

// Everything an entry says, as one line.
std::string describe(const DcmDictEntry& e) {
    char head[128];
    std::snprintf(head, sizeof head, "(%04x-%04x,%04x-%04x) %s=%d vm %d-%d restrict %d %d ",
                  e.getGroup(), e.getUpperGroup(), e.getElement(), e.getUpperElement(),
                  DcmVR(e.getEVR()).getVRName(), static_cast<int>(e.getEVR()), e.getVMMin(),
                  e.getVMMax(), static_cast<int>(e.getGroupRangeRestriction()),
                  static_cast<int>(e.getElementRangeRestriction()));
    return head + text(e.getTagName()) + " " + text(e.getStandardVersion()) + " " +
           text(e.getPrivateCreator());
}

std::vector<std::string> normalEntries(DcmDataDictionary& d) {
    std::vector<std::string> out;
    for (auto it = d.normalBegin(); it != d.normalEnd(); ++it) {
        out.push_back(describe(**it));
    }
    return out;
}

std::vector<std::string> repeatingEntries(DcmDataDictionary& d) {
    std::vector<std::string> out;
    for (auto it = d.repeatingBegin(); it != d.repeatingEnd(); ++it) {
        out.push_back(describe(**it));
    }
    return out;
}

}  // namespace

TEST(CompiledDictionary, EqualsDcmtksParseOfItsFiles) {
    ASSERT_GT(dicom::compiled::kSourceCount, 0u);
    DcmDataDictionary parsed(OFFalse, OFFalse);
    for (std::size_t i = 0; i < dicom::compiled::kSourceCount; ++i) {
        ASSERT_TRUE(parsed.loadDictionary(dicom::compiled::kSources[i].path));
    }
    DcmDataDictionary compiled(OFFalse, OFFalse);
    dicom::addCompiledEntries(compiled);
    EXPECT_GT(parsed.numberOfNormalTagEntries(), 5000);
    EXPECT_GT(parsed.numberOfRepeatingTagEntries(), 50);
    // A hash table: its iteration order follows insertion, so compare as sorted lists.
    std::vector<std::string> compiledNormal = normalEntries(compiled);
    std::vector<std::string> parsedNormal = normalEntries(parsed);
    std::sort(compiledNormal.begin(), compiledNormal.end());
    std::sort(parsedNormal.begin(), parsedNormal.end());
    EXPECT_EQ(compiledNormal.size(), parsedNormal.size());
    std::vector<std::string> different;
    std::set_symmetric_difference(compiledNormal.begin(), compiledNormal.end(),
                                  parsedNormal.begin(), parsedNormal.end(),
                                  std::back_inserter(different));
    EXPECT_TRUE(different.empty()) << different.size() << " differ, e.g. " << different.front();
    EXPECT_EQ(repeatingEntries(compiled), repeatingEntries(parsed));

    // Lookups as parsing uses them: a standard tag, a repeating group, a private tag.
    const DcmDictEntry* rows = compiled.findEntry(DcmTagKey(0x0028, 0x0010), nullptr);
    ASSERT_NE(rows, nullptr);
    EXPECT_STREQ(rows->getTagName(), "Rows");
    const DcmDictEntry* overlay = compiled.findEntry(DcmTagKey(0x6002, 0x3000), nullptr);
    ASSERT_NE(overlay, nullptr);
    EXPECT_STREQ(overlay->getTagName(), "OverlayData");
    const DcmDictEntry* gems = parsed.findEntry(DcmTagKey(0x0009, 0x1001), "GEMS_IDEN_01");
    ASSERT_NE(gems, nullptr);
    const DcmDictEntry* same = compiled.findEntry(DcmTagKey(0x0009, 0x1001), "GEMS_IDEN_01");
    ASSERT_NE(same, nullptr);
    EXPECT_EQ(describe(*same), describe(*gems));
}

TEST(CompiledDictionary, IsUsedOnlyWhileItsFilesAreUnchanged) {
    // The build machine's files (tests run where they were built).
    EXPECT_TRUE(dicom::compiledDictionaryIsCurrent());

    char name[] = "/tmp/dcmlens-dictionary-XXXXXX";
    const int fd = ::mkstemp(name);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "abc", 3), 3);
    ::close(fd);
    struct stat s {};
    ASSERT_EQ(::stat(name, &s), 0);
    const auto hash = dicom::contentHash("abc", 3);
    dicom::compiled::Source source{name, 3, s.st_mtim.tv_sec, s.st_mtim.tv_nsec, hash};
    EXPECT_TRUE(dicom::sourcesUnchanged(&source, 1));
    source.size = 4;  // another size
    EXPECT_FALSE(dicom::sourcesUnchanged(&source, 1));
    source.size = 3;
    source.mtimeNanoseconds += 1;  // touched since, the same bytes (a package reinstalled)
    EXPECT_TRUE(dicom::sourcesUnchanged(&source, 1));
    source.contentHash = dicom::contentHash("abd", 3);  // touched, other bytes of the same size
    EXPECT_FALSE(dicom::sourcesUnchanged(&source, 1));
    source.mtimeNanoseconds -= 1;  // the recorded time again: trusted without reading
    EXPECT_TRUE(dicom::sourcesUnchanged(&source, 1));
    ::unlink(name);  // gone
    EXPECT_FALSE(dicom::sourcesUnchanged(&source, 1));
    EXPECT_FALSE(dicom::sourcesUnchanged(nullptr, 0));
}

namespace {

// What main() does, in a fresh process: the global dictionary DCMTK then holds must be DCMTK's
// parse of the files, and an implicit-VR file (whose VRs come from it) must read right.
int compiledFlow() {
    ::unsetenv("DCMDICTPATH");
    if (!dicom::useCompiledDictionary() || !dicom::compiledDictionaryInUse()) {
        return 2;
    }
    if (std::string(std::getenv("DCMDICTPATH")) != "/dev/null") {
        return 3;
    }
    dicom::registerCodecs();
    DcmDataDictionary parsed(OFFalse, OFFalse);
    for (std::size_t i = 0; i < dicom::compiled::kSourceCount; ++i) {
        parsed.loadDictionary(dicom::compiled::kSources[i].path);
    }
    DcmDataDictionary& global = dcmDataDict.wrlock();
    std::vector<std::string> a = normalEntries(global), b = normalEntries(parsed);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    const bool same = a == b && repeatingEntries(global) == repeatingEntries(parsed);
    dcmDataDict.wrunlock();
    if (!same) {
        return 4;
    }
    dicom::DicomFile file(std::string(DCMLENS_CORPUS) + "/MR_small_implicit.dcm");
    const model::Instance& in = file.instance();
    return in.pixel.rows == 64 && in.pixel.columns == 64 && in.pixel.bitsStored == 16 ? 0 : 5;
}

}  // namespace

TEST(CompiledDictionary, MainsWayInstallsItAsDcmtksGlobalDictionary) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");  // a new process: DCMTK's state is fresh
    EXPECT_EXIT(std::exit(compiledFlow()), ::testing::ExitedWithCode(0), "");
}

TEST(CompiledDictionary, StepsAsideForTheUsersDictionaries) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            ::setenv("DCMDICTPATH", "/usr/share/libdcmtk17/dicom.dic", 1);
            const bool used = dicom::useCompiledDictionary();
            std::exit(!used && std::string(std::getenv("DCMDICTPATH")) ==
                                   "/usr/share/libdcmtk17/dicom.dic"
                          ? 0
                          : 1);
        },
        ::testing::ExitedWithCode(0), "");
    EXPECT_EXIT(
        {
            ::setenv("DCMDICTPATH", "", 1);  // DCMTK reads an empty value as unset
            std::exit(dicom::useCompiledDictionary() ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "");
}
