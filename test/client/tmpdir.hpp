// A temporary folder for layout tests, removed at the end of the test.
#pragma once
#include <filesystem>
#include <fstream>
#include <string>

class TmpDir {
  public:
    TmpDir() {
        char tmpl[] = "/tmp/pgmig-unit-XXXXXX";
        path_ = mkdtemp(tmpl);
    }
    ~TmpDir() { std::filesystem::remove_all(path_); }
    const std::string &path() const { return path_; }
    void write(const std::string &rel, const std::string &text) const {
        auto p = std::filesystem::path(path_) / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
    }

  private:
    std::string path_;
};
