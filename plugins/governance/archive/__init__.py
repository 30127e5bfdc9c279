"""The encrypted archive that ``archive`` rules write, and the restore that reverses them.

``store``: sets of encrypted batch objects; ``rowcodec``: typed JSON for rows; ``restore``: a set
back into its live system. Used by the retention sweep, the CLI and the tests.
"""
