module startjoin/adapters/go-exec

go 1.19
