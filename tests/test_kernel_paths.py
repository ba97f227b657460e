from kernel.paths import (community_id_of, community_path_of, path_ids, prefixes,
                          street_path_of)


def test_a_path_reads_street_community_and_ancestors():
    assert path_ids("/1/7/42/") == [1, 7, 42]
    assert prefixes("/1/7/42/") == ["/1/", "/1/7/", "/1/7/42/"]
    assert street_path_of("/1/7/42/") == "/1/"
    assert community_path_of("/1/7/42/9/") == "/1/7/" == community_path_of("/1/7/")
    assert community_path_of("/1/") == "/1/"
    assert community_id_of("/1/7/42/") == 7
